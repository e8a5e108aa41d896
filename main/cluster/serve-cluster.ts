// How `npm run serve` takes part in a cluster (docs/cluster.md):
//   --join URL --host-id NAME  run as a host agent (no UI) — see host-main.ts
//   --cluster URL              a control center that shows that cluster's hosts
//   --cluster-demo             a local nats-server + three host agents on loopback + the control center
// The cluster config file (--cluster-config, else <data-dir>/cluster.json) holds the
// same settings, credentials included (0600), so a URL flag is only a shortcut.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HostProcess, NatsServer, natsServerBinary, writeClusterConfig } from './local-cluster';
import { readClusterFile, resolveClusterOptions, type ClusterOptions } from './options';

export interface ServeClusterArgs {
  cluster?: string;
  clusterConfig?: string;
  clusterDemo?: boolean;
  dataDir: string;
}

export interface ServeCluster {
  options?: ClusterOptions;
  stop(): Promise<void>;
}

export function clusterConfigPath(a: { clusterConfig?: string; dataDir: string }): string | undefined {
  if (a.clusterConfig) return a.clusterConfig;
  const inData = join(a.dataDir, 'cluster.json');
  return existsSync(inData) ? inData : undefined;
}

export async function clusterForServe(a: ServeClusterArgs, serveEntry: string | null, log = (s: string) => console.log(s)): Promise<ServeCluster> {
  if (a.clusterDemo) return startDemo(a.dataDir, serveEntry, log);
  const path = clusterConfigPath(a);
  const file = path ? readClusterFile(path) : {};
  const servers = a.cluster?.split(',') ?? file.cluster?.servers;
  if (!servers) return { stop: async () => undefined };
  return { options: resolveClusterOptions({ ...(file.cluster ?? {}), servers }), stop: async () => undefined };
}

const DEMO_HOSTS = ['host-a', 'host-b', 'host-c'];

async function startDemo(dataDir: string, serveEntry: string | null, log: (s: string) => void): Promise<ServeCluster> {
  const bin = natsServerBinary();
  if (!bin) throw new Error('--cluster-demo needs nats-server: none on PATH, ~/go/bin or .tmp/bin, and `go install` was not possible');
  log(`[cluster-demo] nats-server: ${bin}`);
  const server = await NatsServer.start(bin);
  const dir = join(dataDir, 'cluster-demo');
  mkdirSync(dir, { recursive: true });
  const cluster = { pool: 'demo', heartbeatMs: 1_000, staleAfterMs: 3_000, downAfterMs: 5_000, ackWaitMs: 10_000 };
  const cfg = writeClusterConfig(dir, cluster, { agent: 'echo_agent:EchoAgent', minWorkers: 2, maxWorkers: 4 });
  const entry = serveEntry ? [serveEntry] : undefined;
  const hosts: HostProcess[] = [];
  const stop = async () => {
    for (const h of hosts) h.signalGroupSafe('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    for (const h of hosts) await h.killGroup();
    await server.dispose();
  };
  try {
    for (const id of DEMO_HOSTS) hosts.push(await HostProcess.start(server.url, id, cfg, [], entry));
  } catch (err) {
    await stop();
    throw err;
  }
  log(`[cluster-demo] ${server.url} with hosts ${DEMO_HOSTS.join(', ')} (kill one with: kill -9 -<pid>; pids ${hosts.map((h) => h.pid).join(', ')})`);
  return { options: resolveClusterOptions({ ...cluster, servers: [server.url] }), stop };
}
