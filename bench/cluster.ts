// `npm run bench` cluster section: the JetStream path against the local pool in
// the same run — sequential p50/p99, p50 under load, pipelined msg/s at 200 and
// 1,000 outstanding (local and 1 host alternating each round), CPU per message
// and each broker hop alone (cluster-breakdown.ts), 3 host agents — and how
// long after a host kill its messages are redelivered. The floor rows time what the broker alone
// costs a sequential round trip, against this run's local p50 (issue 19's ≤ 10× target).
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
import { ECHO_POOL } from '../main/cluster/test-support/cluster-kit';
import { GreenletProcessPool } from '../main/pool/index';
import { cpuPerMessage, measureFloor, measureHops } from './cluster-breakdown';
import { benchPython, median, nowUs, percentile, pipelined, round, sequentialLatency } from './lib';

// Local pool and hosts alike: 1 worker, room for every outstanding message (a host takes no more
// than its pool accepts, so with the defaults its 216 slots would be capped at 200).
const POOL = {
  ...ECHO_POOL,
  concurrencyPerWorker: 1_000,
  messageQueueSize: 10_000,
};
const SEQ = 2_000;
const PIPE = 10_000;
const WINDOW = 200;
const WINDOW_BIG = 1_000; // above the host's slots: its pull loop must keep up with a backlog
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORK = 100; // sequential messages that do 20 ms of (gevent.sleep) work: the broker's fixed cost against real work

/** p50 of each message's own latency while `window` are outstanding (queueing included on both paths). */
async function loadedP50(send: () => Promise<unknown>, n: number, window: number) {
  const lat: number[] = [];
  await pipelined(
    async () => {
      const t0 = nowUs();
      await send();
      lat.push(nowUs() - t0);
    },
    n,
    window,
  );
  lat.sort((a, b) => a - b);
  return { loaded_p50_us: percentile(lat, 50), loaded_p99_us: percentile(lat, 99) };
}

interface Side {
  send: () => Promise<unknown>;
  work: () => Promise<unknown>;
  seqWarmup: number;
}

async function sequential(s: Side) {
  const seq = await sequentialLatency(s.send, SEQ, s.seqWarmup);
  const work = await sequentialLatency(s.work, WORK, 5);
  return { ...seq, work20ms_p50_us: work.seq_p50_us };
}

/** msg/s at 200 and 1,000 outstanding, local and cluster alternating within each round (medians). */
async function throughputRounds(local: Side, cluster: Side) {
  const rows: Array<Record<string, number>> = [];
  for (let r = 0; r < ROUNDS; r++) {
    const row: Record<string, number> = {};
    const sides: Array<[string, Side]> =
      r % 2 === 0
        ? [
            ['local', local],
            ['cluster', cluster],
          ]
        : [
            ['cluster', cluster],
            ['local', local],
          ];
    for (const window of [WINDOW, WINDOW_BIG]) for (const [name, s] of sides) row[`${name}_${window}`] = await pipelined(s.send, PIPE, window);
    rows.push(row);
  }
  const med = (k: string) => Math.round(median(rows.map((x) => x[k]!)));
  const ratio = (w: number) => round(median(rows.map((x) => x[`cluster_${w}`]! / x[`local_${w}`]!)));
  return {
    local: { msgs_per_s: med(`local_${WINDOW}`), msgs_per_s_1000: med(`local_${WINDOW_BIG}`) },
    cluster: { msgs_per_s: med(`cluster_${WINDOW}`), msgs_per_s_1000: med(`cluster_${WINDOW_BIG}`) },
    throughput_ratio_1_host: ratio(WINDOW),
    throughput_ratio_1_host_1000: ratio(WINDOW_BIG),
  };
}

async function startHosts(urls: string[], dir: string, hostsN: number, replicas = 1) {
  const pool = replicas === 1 ? `bench${hostsN}` : `bench${hostsN}r${replicas}`;
  const timing = { pool, heartbeatMs: 1_000, staleAfterMs: 3_000, downAfterMs: 5_000, ackWaitMs: 5_000, replicas };
  const cfg = writeClusterConfig(mkdtempSync(join(dir, pool)), timing, POOL);
  // The client first: it creates the (replicated) streams once, before the hosts would race to.
  const client = new ClusterClient(resolveClusterOptions({ ...timing, servers: urls }));
  await client.start();
  const hosts = await Promise.all(
    Array.from({ length: hostsN }, (_, i) =>
      HostProcess.start(urls.join(','), `${pool}-h${i}`, cfg, ['--slots', String(Math.ceil(WINDOW / hostsN) + 16)]),
    ),
  );
  const side: Side = { send: () => client.execute({ n: 1 }), work: () => client.execute({ sleep_ms: 20 }), seqWarmup: 200 };
  const stop = async () => {
    await client.close();
    for (const h of hosts) await h.killGroup();
  };
  return { side, hosts, stop };
}

/** Local pool and 1 host side by side: sequential figures, alternating throughput rounds, CPU per message. */
async function oneHostAgainstLocal(server: NatsServer, dir: string) {
  const p = new GreenletProcessPool({ ...POOL, pythonPath: benchPython() });
  await p.start();
  const local: Side = {
    send: () => p.execute({ type: 'agent.process', data: { n: 1 } }),
    work: () => p.execute({ type: 'agent.process', data: { sleep_ms: 20 } }),
    seqWarmup: 500,
  };
  const c = await startHosts([server.url], dir, 1);
  try {
    const l = { ...(await sequential(local)), ...(await loadedP50(local.send, PIPE, WINDOW)) };
    const one = { ...(await sequential(c.side)), ...(await loadedP50(c.side.send, PIPE, WINDOW)) };
    const tp = await throughputRounds(local, c.side);
    const cpu = await cpuPerMessage(PIPE, c.hosts[0]?.pid, server.child?.pid, () => pipelined(c.side.send, PIPE, WINDOW));
    return { local: { ...l, ...tp.local }, hosts_1: { ...one, ...tp.cluster, ...cpu }, tp };
  } finally {
    await c.stop();
    await p.shutdown();
  }
}

async function hostsRun(urls: string[], dir: string, hostsN: number, replicas = 1) {
  const c = await startHosts(urls, dir, hostsN, replicas);
  try {
    const seq = await sequential(c.side);
    const loaded = await loadedP50(c.side.send, PIPE, WINDOW);
    return { ...seq, ...loaded, msgs_per_s: Math.round(await pipelined(c.side.send, PIPE, WINDOW)) };
  } finally {
    await c.stop();
  }
}

/** kill -9 of a host holding in-flight messages; redelivery = result time − its run time − kill time. */
async function redelivery(server: NatsServer, dir: string) {
  const timing = { pool: 'redeliver', heartbeatMs: 500, staleAfterMs: 1_500, downAfterMs: 3_000, ackWaitMs: 5_000 };
  const cfg = writeClusterConfig(mkdtempSync(join(dir, 'redeliver')), timing, POOL);
  const [victim, survivor] = await Promise.all([
    HostProcess.start(server.url, 'victim', cfg, ['--slots', '8']),
    HostProcess.start(server.url, 'survivor', cfg, ['--slots', '8']),
  ]);
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

/** The same load on a 3-node JetStream cluster, everything R3 (ratios against this run's R1 rows above). */
async function replicated(bin: string, dir: string) {
  const nats = await NatsCluster.start(bin);
  try {
    return { r3_hosts_1: await hostsRun(nats.urls, dir, 1, 3), r3_hosts_3: await hostsRun(nats.urls, dir, 3, 3) };
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
    const hops = await measureHops(server.url);
    const floor = await measureFloor(server.url);
    const { local: l, hosts_1: one, tp } = await oneHostAgainstLocal(server, dir);
    const three = await hostsRun([server.url], dir, 3);
    const r = await redelivery(server, dir);
    const r3 = await replicated(bin, dir);
    return {
      local: l,
      hosts_1: one,
      hosts_3: three,
      hops_p50_us: hops,
      floor: { ...floor, core_rtt_ratio_to_local: round(floor.core_rtt_2proc_p50_us / l.seq_p50_us) },
      seq_p50_ratio_1_host: round(one.seq_p50_us / l.seq_p50_us),
      work20ms_p50_ratio_1_host: round(one.work20ms_p50_us / l.work20ms_p50_us),
      loaded_p50_ratio_1_host: round(one.loaded_p50_us / l.loaded_p50_us),
      loaded_p50_ratio_3_hosts: round(three.loaded_p50_us / l.loaded_p50_us),
      throughput_ratio_1_host: tp.throughput_ratio_1_host,
      throughput_ratio_1_host_1000: tp.throughput_ratio_1_host_1000,
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
