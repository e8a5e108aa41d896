// `npm run cluster-demo`: a local nats-server started with the generated least-privilege
// configuration (broker-config.ts), three host agents on loopback each with its own host
// credential, and the control center's options with the control credential. The
// credentials live only in 0600 files under <data-dir>/cluster-demo and in this process;
// all of it (children, broker store, credential files) goes away when this process exits:
// an exit hook for crashes, a watchdog holding a pipe from this process for SIGKILL.
import { jetstreamManager } from '@nats-io/jetstream';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { brokerConfig, writeSecret } from './broker-config';
import { DemoWatchdog } from './demo-watchdog';
import { connectCluster } from './connect';
import { HostProcess, NatsServer, natsServerBinary } from './local-cluster';
import { resolveClusterOptions, type ClusterOptions } from './options';
import { ensureStreams } from './topology';

export const DEMO_HOSTS = ['host-a', 'host-b', 'host-c'];
const DEMO_POOL = { agent: 'echo_agent:EchoAgent', minWorkers: 2, maxWorkers: 4 };

export interface DemoCluster {
  options: ClusterOptions;
  stop(): Promise<void>;
  parts: { server: NatsServer; hosts: HostProcess[]; credentialsDir: string }; // what exit removes (tests look)
}

export async function startDemo(dataDir: string, serveEntry: string | null, log: (s: string) => void): Promise<DemoCluster> {
  const bin = natsServerBinary();
  if (!bin) throw new Error('--cluster-demo needs nats-server: none on PATH, ~/go/bin or .tmp/bin, and `go install` was not possible');
  log(`[cluster-demo] nats-server: ${bin}`);
  const cluster = { pool: 'demo', heartbeatMs: 1_000, staleAfterMs: 3_000, downAfterMs: 5_000, ackWaitMs: 10_000 };
  const broker = brokerConfig({ pool: cluster.pool, servers: [], hosts: DEMO_HOSTS, callers: [] });
  const watchdog = new DemoWatchdog();
  const server = await NatsServer.start(bin, broker.serverConf);
  const dir = join(dataDir, 'cluster-demo');
  watchdog.watch({ pid: server.child?.pid, dir: server.storeDir });
  watchdog.watch({ dir });
  const hosts: HostProcess[] = [];
  // Synchronous, so it also runs from process.on('exit') after an uncaught exception.
  const killAll = () => {
    for (const h of hosts) h.signalGroupSafe('SIGKILL');
    server.child?.kill('SIGKILL');
    rmSync(server.storeDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAll);
  const stop = async () => {
    for (const h of hosts) h.signalGroupSafe('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    for (const h of hosts) await h.killGroup();
    await server.dispose();
    killAll();
    process.removeListener('exit', killAll);
    watchdog.release();
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const seed = (name: string) => broker.users.find((u) => u.name === name)!.seed;
    const options = resolveClusterOptions({ ...cluster, servers: [server.url], auth: { name: 'control', nkeySeed: seed('control') } }, {});
    // Only the control credential may create the streams and buckets: do it before any host joins.
    const nc = await connectCluster(options, 'gcc-cluster-demo-setup');
    await ensureStreams(nc, await jetstreamManager(nc), options);
    await nc.close();
    const entry = serveEntry ? [serveEntry] : undefined;
    for (const id of DEMO_HOSTS) {
      const file = join(dir, `${id}.cluster.json`);
      writeSecret(file, JSON.stringify({ cluster: { ...cluster, auth: { name: id, nkeySeed: seed(id) } }, pool: DEMO_POOL }));
      const host = await HostProcess.start(server.url, id, file, [], entry);
      hosts.push(host);
      watchdog.watch({ group: host.pid });
    }
    log(
      `[cluster-demo] ${server.url} (nkey users per role: ${DEMO_HOSTS.join(', ')}, control) with hosts ${DEMO_HOSTS.join(', ')} (kill one with: kill -9 -<pid>; pids ${hosts.map((h) => h.pid).join(', ')})`,
    );
    return { options, stop, parts: { server, hosts, credentialsDir: dir } };
  } catch (err) {
    await stop();
    throw err;
  }
}
