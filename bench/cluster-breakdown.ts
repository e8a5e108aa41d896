// Where a cluster message's time goes. Two views, both measured:
// - hops: each broker hop alone, sequentially, with the stock nats.js calls the path is made of
//   (publish + PubAck, a fetch of a waiting message, a KV create, an awaited ack, a KV write
//   reaching a watch). p50 µs each; the sum next to the whole path's sequential p50 shows what
//   waking four hops costs against the hops themselves.
// - cpu: CPU per message of the caller (this process), the host agent's Node process and
//   nats-server, read around a fixed pipelined batch (process.cpuUsage, /proc/<pid>/stat).
// - floor: what the broker alone costs a sequential round trip — core request/reply to another
//   process and within this one, and a JetStream publish + PubAck — so the cluster's latency
//   target can be judged against a figure of the same run, not a belief.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { waitForLine } from '../main/cluster/local-cluster';
import { nowUs, percentile, root, round, sequentialLatency } from './lib';

const HOPS_N = 500;
const FLOOR_N = 2_000;
const FLOOR_WARMUP = 300;

/** utime + stime of a process in µs (Linux); undefined elsewhere or once it is gone. */
export function procCpuUs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on: state is f[0]
    return ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU µs per message of caller, host and server over `run` (which sends `n` messages). */
export async function cpuPerMessage(n: number, hostPid: number | undefined, serverPid: number | undefined, run: () => Promise<unknown>) {
  const c0 = process.cpuUsage();
  const h0 = procCpuUs(hostPid);
  const s0 = procCpuUs(serverPid);
  await run();
  const c = process.cpuUsage(c0);
  const h1 = procCpuUs(hostPid);
  const s1 = procCpuUs(serverPid);
  const per = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : round((b - a) / n, 1));
  return { cpu_caller_us: round((c.user + c.system) / n, 1), cpu_host_us: per(h0, h1), cpu_server_us: per(s0, s1) };
}

const p50 = (xs: number[]) =>
  round(
    percentile(
      xs.sort((a, b) => a - b),
      50,
    ),
    1,
  );

/** Each hop alone, sequential, on a stream and bucket of its own. */
export async function measureHops(url: string) {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HOPS', subjects: ['hops.work'], retention: RetentionPolicy.Workqueue, storage: StorageType.File });
    await jsm.consumers.add('HOPS', { durable_name: 'w', ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    const consumer = await js.consumers.get('HOPS', 'w');
    const kv = await new Kvm(nc).create('hops_results', { history: 1, storage: StorageType.File });
    const watch = await kv.watch({ key: 'w.>', include: KvWatchInclude.UpdatesOnly });
    const arrival = { wake: (): void => undefined };
    void (async () => {
      for await (const _ of watch) arrival.wake();
    })();
    const publish: number[] = [],
      fetch: number[] = [],
      create: number[] = [],
      ack: number[] = [],
      watchUs: number[] = [];
    const payload = JSON.stringify({ n: 1 });
    for (let i = 0; i < HOPS_N; i++) {
      let t = nowUs();
      await js.publish('hops.work', payload, { msgID: `m${i}` });
      publish.push(nowUs() - t);
      t = nowUs();
      const batch = await consumer.fetch({ max_messages: 1, expires: 2_000 });
      let msg = null;
      for await (const m of batch) msg = m;
      fetch.push(nowUs() - t);
      t = nowUs();
      await kv.create(`r.${i}`, '{"ok":true}');
      create.push(nowUs() - t);
      t = nowUs();
      await msg!.ackAck();
      ack.push(nowUs() - t);
      const seen = new Promise<void>((r) => (arrival.wake = r));
      t = nowUs();
      void kv.put(`w.${i}`, '{"ok":true}');
      await seen;
      watchUs.push(nowUs() - t);
    }
    watch.stop();
    const hops = {
      publish_puback: p50(publish),
      fetch_one: p50(fetch),
      kv_create: p50(create),
      ack_awaited: p50(ack),
      kv_put_to_watch: p50(watchUs),
    };
    return { ...hops, sum_of_hops: round(hops.publish_puback + hops.fetch_one + hops.kv_create + hops.kv_put_to_watch, 1) };
  } finally {
    await nc.close();
  }
}

/** Sequential core request/reply through the server; the responder echoes the payload. */
function coreRtt(nc: NatsConnection, subject: string) {
  const payload = JSON.stringify({ n: 1 });
  return sequentialLatency(() => nc.request(subject, payload, { timeout: 5_000 }), FLOOR_N, FLOOR_WARMUP);
}

/** Responder in a child Node process: the two-process round trip every cluster hop pays. */
async function twoProcessRtt(url: string, nc: NatsConnection) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'nats-echo.ts'), url, 'floor.echo2'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    await waitForLine(child, /echo ready/, 'nats-echo responder');
    return await coreRtt(nc, 'floor.echo2');
  } finally {
    child.kill(); // if this process dies instead, the responder sees its stdin close and exits
  }
}

/** Two connections of this process: the same server trip without a second process to wake. */
async function oneProcessRtt(url: string, nc: NatsConnection) {
  const responder = await connect({ servers: url, noAsyncTraces: true });
  try {
    responder.subscribe('floor.echo1', { callback: (_err, m) => void m.respond(m.data) });
    await responder.flush();
    return await coreRtt(nc, 'floor.echo1');
  } finally {
    await responder.close();
  }
}

/** publish + PubAck on a file-storage stream, with a msg id as the work publish carries. */
async function jsPublish(nc: NatsConnection) {
  await (await jetstreamManager(nc)).streams.add({ name: 'FLOOR', subjects: ['floor.js'], storage: StorageType.File });
  const js = jetstream(nc);
  const payload = JSON.stringify({ n: 1 });
  let k = 0; // one id per publish: sequentialLatency restarts its index after the warm-up, and a repeat would be a duplicate
  return sequentialLatency(() => js.publish('floor.js', payload, { msgID: `f${k++}` }), FLOOR_N, FLOOR_WARMUP);
}

/** The broker's floor: sequential p50/p99 µs of a core round trip (2 processes, 1 process) and a JetStream publish. */
export async function measureFloor(url: string) {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  try {
    const two = await twoProcessRtt(url, nc);
    const one = await oneProcessRtt(url, nc);
    const js = await jsPublish(nc);
    // PING/PONG: the server answering itself, nothing stored — js_publish minus this is what a store adds.
    const ping = await sequentialLatency(() => nc.flush(), FLOOR_N, FLOOR_WARMUP);
    const r = (x: number) => round(x, 1);
    return {
      core_rtt_2proc_p50_us: r(two.seq_p50_us),
      core_rtt_2proc_p99_us: r(two.seq_p99_us),
      core_rtt_1proc_p50_us: r(one.seq_p50_us),
      core_rtt_1proc_p99_us: r(one.seq_p99_us),
      js_publish_p50_us: r(js.seq_p50_us),
      js_publish_p99_us: r(js.seq_p99_us),
      server_ping_p50_us: r(ping.seq_p50_us),
    };
  } finally {
    await nc.close();
  }
}
