// `npm run bench` cluster section: the JetStream path against the local pool in
// the same run — sequential p50/p99, p50 under load, pipelined msg/s with 1 and
// 3 host agents — and how long after a host kill its messages are redelivered.
// Every host runs 1 worker so the comparison is worker for worker; on a 2-core
// machine three hosts cannot add throughput (they share the same cores).
// The R3 rows run the same load on a 3-node JetStream cluster (loopback) with
// every stream, bucket and consumer replicated three times, beside the R1 rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient } from '../main/cluster/client';
import { HostProcess, NatsServer, natsServerBinary, writeClusterConfig } from '../main/cluster/local-cluster';
import { NatsCluster } from '../main/cluster/local-nats-cluster';
import { resolveClusterOptions } from '../main/cluster/options';
import { GreenletProcessPool } from '../main/pool/index';
import { benchPython, nowUs, percentile, pipelined, round, sequentialLatency } from './lib';

const POOL = { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1, healthCheckInterval: 60_000, workerRecycleInterval: 0, maxMessagesPerWorker: 0 };
const SEQ = 2_000;
const PIPE = 10_000;
const WINDOW = 200;
const WORK = 100; // sequential messages that do 20 ms of (gevent.sleep) work: the broker's fixed cost against real work

/** p50 of each message's own latency while `window` are outstanding (queueing included on both paths). */
async function loadedP50(send: () => Promise<unknown>, n: number, window: number) {
  const lat: number[] = [];
  await pipelined(async () => {
    const t0 = nowUs();
    await send();
    lat.push(nowUs() - t0);
  }, n, window);
  lat.sort((a, b) => a - b);
  return { loaded_p50_us: percentile(lat, 50), loaded_p99_us: percentile(lat, 99) };
}

async function local() {
  const p = new GreenletProcessPool({ ...POOL, pythonPath: benchPython(), concurrencyPerWorker: 1_000, messageQueueSize: 10_000 });
  await p.start();
  const send = () => p.execute({ type: 'agent.process', data: { n: 1 } });
  const seq = await sequentialLatency(send, SEQ);
  const work = await sequentialLatency(() => p.execute({ type: 'agent.process', data: { sleep_ms: 20 } }), WORK, 5);
  const loaded = await loadedP50(send, PIPE, WINDOW);
  const rate = await pipelined(send, PIPE, WINDOW);
  await p.shutdown();
  return { ...seq, work20ms_p50_us: work.seq_p50_us, ...loaded, msgs_per_s: Math.round(rate) };
}

async function viaCluster(urls: string[], dir: string, hostsN: number, replicas = 1) {
  const pool = `bench${hostsN}r${replicas}`;
  const timing = { pool, heartbeatMs: 1_000, staleAfterMs: 3_000, downAfterMs: 5_000, ackWaitMs: 5_000, replicas };
  const cfg = writeClusterConfig(mkdtempSync(join(dir, pool)), timing, POOL);
  // The client first: it creates the (replicated) streams once, before the hosts would race to.
  const client = new ClusterClient(resolveClusterOptions({ ...timing, servers: urls }));
  await client.start();
  const hosts = await Promise.all(Array.from({ length: hostsN }, (_, i) => HostProcess.start(urls.join(','), `${pool}-h${i}`, cfg, ['--slots', String(Math.ceil(WINDOW / hostsN) + 16)])));
  try {
    const send = () => client.execute({ n: 1 });
    const seq = await sequentialLatency(send, SEQ, 200);
    const work = await sequentialLatency(() => client.execute({ sleep_ms: 20 }), WORK, 5);
    const loaded = await loadedP50(send, PIPE, WINDOW);
    const rate = await pipelined(send, PIPE, WINDOW);
    return { ...seq, work20ms_p50_us: work.seq_p50_us, ...loaded, msgs_per_s: Math.round(rate) };
  } finally {
    await client.close();
    for (const h of hosts) await h.killGroup();
  }
}

/** kill -9 of a host holding in-flight messages; redelivery = result time − its run time − kill time. */
async function redelivery(server: NatsServer, dir: string) {
  const timing = { pool: 'redeliver', heartbeatMs: 500, staleAfterMs: 1_500, downAfterMs: 3_000, ackWaitMs: 5_000 };
  const cfg = writeClusterConfig(mkdtempSync(join(dir, 'redeliver')), timing, POOL);
  const [victim, survivor] = await Promise.all([HostProcess.start(server.url, 'victim', cfg, ['--slots', '8']), HostProcess.start(server.url, 'survivor', cfg, ['--slots', '8'])]);
  const client = new ClusterClient(resolveClusterOptions({ ...timing, servers: [server.url] }));
  await client.start();
  try {
    let killedAt = 0;
    const arrivals: number[] = [];
    const all = Array.from({ length: 16 }, (_, i) =>
      client.execute({ i, sleep_ms: 500 }).then((o) => {
        if (o.delivery > 1) arrivals.push(Date.now() - (o.runMs ?? 0) - killedAt);
      }),
    );
    await new Promise((r) => setTimeout(r, 200)); // both hosts hold 8 sleeping messages
    killedAt = Date.now();
    await victim.killGroup();
    await Promise.all(all);
    return { ack_wait_ms: timing.ackWaitMs, redelivered: arrivals.length, redelivery_max_ms: Math.max(0, ...arrivals) };
  } finally {
    await client.close();
    await survivor.killGroup();
  }
}

/** The same load on a 3-node JetStream cluster, everything R3; ratios against the R1 rows of this run are printed by the caller. */
async function replicated(bin: string, dir: string) {
  const nats = await NatsCluster.start(bin);
  try {
    const one = await viaCluster(nats.urls, dir, 1, 3);
    const three = await viaCluster(nats.urls, dir, 3, 3);
    return { r3_hosts_1: one, r3_hosts_3: three };
  } finally {
    await nats.dispose();
  }
}

export async function runClusterBench() {
  const bin = natsServerBinary();
  if (!bin) return { skipped: 'no nats-server (scripts/ensure-nats.mjs could not find or install one)' };
  const server = await NatsServer.start(bin);
  const dir = mkdtempSync(join(tmpdir(), 'gcc-bench-cluster-'));
  try {
    const l = await local();
    const one = await viaCluster([server.url], dir, 1);
    const three = await viaCluster([server.url], dir, 3);
    const r = await redelivery(server, dir);
    const r3 = await replicated(bin, dir);
    return {
      local: l,
      hosts_1: one,
      hosts_3: three,
      seq_p50_ratio_1_host: round(one.seq_p50_us / l.seq_p50_us),
      work20ms_p50_ratio_1_host: round(one.work20ms_p50_us / l.work20ms_p50_us),
      loaded_p50_ratio_1_host: round(one.loaded_p50_us / l.loaded_p50_us),
      loaded_p50_ratio_3_hosts: round(three.loaded_p50_us / l.loaded_p50_us),
      throughput_ratio_1_host: round(one.msgs_per_s / l.msgs_per_s),
      throughput_ratio_3_hosts: round(three.msgs_per_s / l.msgs_per_s),
      ...r,
      ...r3,
      r3_seq_p50_ratio_to_r1_1_host: round(r3.r3_hosts_1.seq_p50_us / one.seq_p50_us),
      r3_loaded_p50_ratio_to_r1_3_hosts: round(r3.r3_hosts_3.loaded_p50_us / three.loaded_p50_us),
      r3_throughput_ratio_to_r1_3_hosts: round(r3.r3_hosts_3.msgs_per_s / three.msgs_per_s),
    };
  } finally {
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
