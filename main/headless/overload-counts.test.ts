// The overload row of issue 15, scaled down: the real load generator offers messages far above
// what two real Python workers can take (3,000 at 2,000/s against ~300/s), with agent errors,
// run timeouts and cancels mixed in. Every door that shows the figures — the engine's stats, the
// samples and history tiers, the JSON and CSV exports, /metrics — must give
// sent = answered + agentError + timedOut + rejected + cancelled exactly.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MetricsSample, OutcomeCounts, PoolStats, SnapshotFile } from '../../common/contract';
import type { ControlPlane } from '../control/index';
import { TOKEN, post, startHeadless } from './test-helpers';

const COUNT = 3_000;
const RATE = 2_000; // msg/s offered; capacity is 2 workers × 4 in flight / 25 ms ≈ 320 msg/s at best
const KEYS = ['answered', 'agentError', 'timedOut', 'rejected', 'cancelled'] as const;
const sum = (o: OutcomeCounts | undefined) => KEYS.reduce((n, k) => n + (o?.[k] ?? 0), 0);

let cp: ControlPlane;
let base: string;
let cleanup: () => Promise<void>;
let sent = 0;
let stats: PoolStats;
const samples: MetricsSample[] = [];

/** Messages sent beside the load: run timeouts, cancels and agent errors, counted in `sent`. */
async function sideTraffic(): Promise<void> {
  const pool = cp.getPool();
  const run = (data: unknown, opts?: Parameters<typeof pool.execute>[1]) => {
    sent++;
    return pool.execute({ type: 'agent.process', data }, opts).catch(() => undefined);
  };
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < 10; i++) {
    all.push(run({ sleep_ms: 5_000 }, { timeout: 50 }));
    const ac = new AbortController();
    all.push(run({ sleep_ms: 5_000 }, { signal: ac.signal }));
    setTimeout(() => ac.abort(), 30);
    all.push(run({ fail: true }));
  }
  await Promise.all(all);
}

beforeAll(async () => {
  ({ cp, base, cleanup } = await startHeadless({}, { minWorkers: 2, maxWorkers: 2, concurrencyPerWorker: 4, messageQueueSize: 50 }));
  cp.on('metrics.sample', (s) => samples.push(s));
  const started = await post(base, 'startLoad', { rate: RATE, count: COUNT, sleepMs: 25, failureRate: 0.02 });
  expect(started.status).toBe(200);
  await sideTraffic(); // during the overload: some of these are refused at the door too
  await vi.waitFor(
    async () => {
      const s = (await post(base, 'getLoadStatus', {})).body;
      if (s.running || s.succeeded + s.failed + s.rejected < COUNT) throw new Error(`load still running: ${JSON.stringify(s)}`);
    },
    { timeout: 60_000, interval: 100 },
  );
  await sideTraffic(); // after it, so each outcome surely happens
  sent += COUNT;
  stats = (await post(base, 'getStats', {})).body;
  // one more sample, so the samples have seen every settled message
  const n = samples.length;
  await vi.waitFor(() => expect(samples.length).toBeGreaterThan(n + 1), { timeout: 10_000, interval: 50 });
}, 120_000);

afterAll(() => cleanup?.(), 60_000);

describe('overload: every figure adds up to what was sent', () => {
  it('the engine counts each message once; thousands refused by the full pool queue', () => {
    const o = stats.outcomes;
    expect(sum(o)).toBe(sent);
    expect(o.rejected).toBeGreaterThan(COUNT / 2); // offered ≫ capacity
    expect(stats.rejectedByQueue.pool).toBe(o.rejected); // a running pool refuses only when its queue is full
    for (const k of KEYS) expect(o[k], k).toBeGreaterThan(0);
    expect(stats.latencyHistogram.count).toBe(o.answered);
    expect(stats.latencyHistogram.counts.reduce((a, b) => a + b, 0)).toBe(o.answered);
  });

  it('the live samples and the history tiers carry the same counts, and a rejection rate apart from the error rate', async () => {
    const fromSamples = { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };
    for (const s of samples) for (const k of KEYS) fromSamples[k] += s.outcomes?.[k] ?? 0;
    expect(fromSamples).toEqual(stats.outcomes);
    expect(Math.max(...samples.map((s) => s.rejectionRate ?? 0))).toBeGreaterThan(0.5);
    for (const rangeMs of [3_600_000, 2 * 3_600_000]) {
      // the 1 s tier and the 10 s tier: downsampling sums the counts
      const h = (await post(base, 'getMetricsHistory', { rangeMs })).body as { samples: MetricsSample[] };
      expect(
        h.samples.reduce((n, s) => n + sum(s.outcomes), 0),
        `range ${rangeMs}`,
      ).toBe(sent);
    }
  });

  it('the JSON and CSV exports carry the counts', async () => {
    const json = (await post(base, 'exportSnapshot', { format: 'json' })).body as SnapshotFile;
    const snap = JSON.parse(json.content) as { stats: PoolStats; history: { samples: MetricsSample[] } };
    expect(sum(snap.stats.outcomes)).toBe(sent);
    expect(snap.history.samples.reduce((n, s) => n + sum(s.outcomes), 0)).toBe(sent);
    const csv = ((await post(base, 'exportSnapshot', { format: 'csv' })).body as SnapshotFile).content.trim().split('\n');
    const head = csv[0]!.split(',');
    const cols = KEYS.map((k) => head.indexOf(k));
    expect(cols.every((c) => c > 0)).toBe(true);
    const total = csv.slice(1).reduce((n, line) => {
      const cells = line.split(',');
      return n + cols.reduce((m, c) => m + Number(cells[c] || 0), 0);
    }, 0);
    expect(total).toBe(sent);
  });

  it('/metrics counts every outcome and the rejections by queue, with a real latency histogram', async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const series = (name: string, label: string) =>
      new Map([...text.matchAll(new RegExp(`^${name}\\{${label}="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1]!, Number(m[2])]));
    const byOutcome = series('greenlet_pool_messages_total', 'outcome');
    expect([...byOutcome.keys()].sort()).toEqual(['agent_error', 'answered', 'cancelled', 'rejected', 'timed_out']);
    expect([...byOutcome.values()].reduce((a, b) => a + b, 0)).toBe(sent);
    expect(byOutcome.get('rejected')).toBe(stats.outcomes.rejected);
    const byQueue = series('greenlet_pool_messages_rejected_total', 'queue');
    expect(byQueue.get('pool')).toBe(stats.rejectedByQueue.pool);
    expect([...byQueue.values()].reduce((a, b) => a + b, 0)).toBe(stats.outcomes.rejected);
    const count = Number(/^greenlet_pool_message_latency_seconds_count (\S+)$/m.exec(text)?.[1]);
    const inf = Number(/^greenlet_pool_message_latency_seconds_bucket\{le="\+Inf"\} (\S+)$/m.exec(text)?.[1]);
    expect(count).toBe(stats.outcomes.answered);
    expect(inf).toBe(count);
    expect(text).not.toMatch(/greenlet_pool_task_runtime_seconds/); // the sampler-average estimate is gone
  });
});
