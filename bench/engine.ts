// The project's own figures: adapter round trips, pool throughput, I/O-bound
// concurrency, memory per parked message, and strategies on a mixed workload.
import { GreenletBridgeAdapter, GreenletProcessPool } from '../main/pool/index';
import type { PoolOptions, StrategyName } from '../main/pool/index';
import { STRATEGIES } from '../main/pool/index';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { benchPython, fixtures, medianOf, nowUs, percentile, pipelined, round, sequentialLatency } from './lib';

const AGENT = 'echo_agent:EchoAgent';

export function pool(opts: Partial<PoolOptions>) {
  return new GreenletProcessPool({
    pythonPath: benchPython(),
    agent: AGENT,
    healthCheckInterval: 60_000,
    workerRecycleInterval: 0,
    maxMessagesPerWorker: 0,
    idleTimeout: 600_000,
    ...opts,
  });
}

export async function measureAdapter(rounds: number) {
  return medianOf(rounds, async () => {
    const adapter = new GreenletBridgeAdapter({ pythonPath: benchPython(), agent: AGENT });
    await adapter.connect();
    let i = 0;
    const seq = await sequentialLatency(() => adapter.process({ n: i++ }), 3_000);
    await adapter.disconnect();
    return seq;
  });
}

export async function poolRate(workers: number) {
  const p = pool({ minWorkers: workers, maxWorkers: workers, concurrencyPerWorker: 1_000, messageQueueSize: 10_000 });
  await p.start();
  let i = 0;
  await pipelined(() => p.execute({ type: 'agent.process', data: { n: i++ } }), 5_000, 1_000); // warm-up
  const rate = await pipelined(() => p.execute({ type: 'agent.process', data: { n: i++ } }), 50_000, 1_000);
  await p.shutdown();
  return Math.round(rate);
}

export async function measurePool(rounds: number) {
  return medianOf(rounds, async () => ({
    pipelined_msgs_per_s_1_worker: await poolRate(1),
    pipelined_msgs_per_s_2_workers: await poolRate(2),
  }));
}

export async function measureIoBound(rounds: number) {
  const messages = 10_000,
    sleep_ms = 50,
    workers = 2;
  const r = await medianOf(rounds, async () => {
    const p = pool({ minWorkers: workers, maxWorkers: workers, concurrencyPerWorker: 10_000, messageQueueSize: 10_000, workerQueueSize: 10_000 });
    await p.start();
    const t0 = nowUs();
    await Promise.all(Array.from({ length: messages }, (_, n) => p.execute({ type: 'agent.process', data: { n, sleep_ms } })));
    const wall_s = (nowUs() - t0) / 1e6;
    await p.shutdown();
    return { wall_s: round(wall_s, 3), effective_concurrency: round((messages * sleep_ms) / 1000 / wall_s, 1) };
  });
  return { messages, sleep_ms, workers, ...r };
}

export async function measureMemory(rounds: number) {
  const parked_messages = 10_000;
  const r = await medianOf(rounds, async () => {
    const p = pool({
      minWorkers: 1,
      maxWorkers: 1,
      concurrencyPerWorker: 20_000,
      messageQueueSize: 20_000,
      workerQueueSize: 20_000,
      healthCheckInterval: 100,
    });
    await p.start();
    const rss = async () => {
      const worker = p.getDetailedStats().workers[0];
      return worker?.rssBytes ?? 0;
    };
    await new Promise((res) => setTimeout(res, 400)); // a health sample fills rssBytes
    const before = await rss();
    const parked = Array.from({ length: parked_messages }, (_, n) => p.execute({ type: 'agent.process', data: { n, sleep_ms: 3_000 } }));
    await new Promise((res) => setTimeout(res, 1_500));
    const during = await rss();
    await Promise.all(parked);
    await p.shutdown();
    return { bytes_per_parked_message: Math.round((during - before) / parked_messages) };
  });
  return { parked_messages, ...r };
}

/** Bare gevent on the same interpreter: the floor no framework can go below. */
export async function measureGeventFloor(rounds: number) {
  return medianOf(rounds, async () => ({
    bytes_per_parked_greenlet: Number(execFileSync(benchPython(), [join(fixtures, 'gevent_floor.py'), '10000'], { encoding: 'utf8' }).trim()),
  }));
}

/**
 * Mixed load on 4 workers, 95 % fast and 5 % slow. `kind` says what slow means:
 * 'cpu' — 8 ms of CPU that blocks the worker's hub (messages placed there wait);
 * 'io'  — 40 ms of cooperative sleep (other greenlets run meanwhile).
 * Workers keep the default in-flight limit, so placement — not the pool queue — decides.
 */
async function strategyRun(strategy: StrategyName, kind: 'cpu' | 'io') {
  const p = pool({
    minWorkers: 4,
    maxWorkers: 4,
    loadBalancingStrategy: strategy,
    concurrencyPerWorker: 100,
    messageQueueSize: 10_000,
    agent: 'mixed_agent:MixedAgent',
    pythonPaths: [fixtures],
  });
  await p.start();
  const n = kind === 'cpu' ? 3_000 : 4_000;
  const latencies: number[] = [];
  const slow = kind === 'cpu' ? { spin_ms: 8 } : { sleep_ms: 40 };
  const send = async (i: number) => {
    const t0 = nowUs();
    await p.execute({ type: 'agent.process', data: i % 20 === 0 ? { n: i, ...slow } : { n: i } });
    latencies.push((nowUs() - t0) / 1000);
  };
  const rate = await pipelined(send, n, 32);
  await p.shutdown();
  latencies.sort((a, b) => a - b);
  return { msgs_per_s: Math.round(rate), p99_ms: round(percentile(latencies, 99), 2) };
}

export async function measureStrategies(rounds: number, kind: 'cpu' | 'io' = 'cpu') {
  const out: Record<string, { msgs_per_s: number; p99_ms: number }> = {};
  for (const s of STRATEGIES) out[s] = await medianOf(rounds, () => strategyRun(s, kind));
  return out;
}
