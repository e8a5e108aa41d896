// The traffic-stopped row of issue 15: once messages stop, latency must say "no traffic" instead
// of holding the last figures beside 0.00/s. Real workers answer a burst; then, within the
// engine's latency window (10–20 s), the stats, the live samples and the history say so.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MetricsSample, PoolStats } from '../../common/contract';
import type { ControlPlane } from '../control/index';
import { post, startHeadless } from './test-helpers';

let cp: ControlPlane;
let base: string;
let cleanup: () => Promise<void>;
const samples: MetricsSample[] = [];

beforeAll(async () => {
  ({ cp, base, cleanup } = await startHeadless());
  cp.on('metrics.sample', (s) => samples.push(s));
}, 60_000);

afterAll(() => cleanup?.(), 60_000);

describe('traffic stopped', () => {
  it('latency figures turn to "no traffic" (null, recentAnswered 0) instead of holding the last ones', async () => {
    for (let i = 0; i < 20; i++) expect((await post(base, 'submitTask', { data: { i, sleep_ms: 20 } })).status).toBe(200);
    const busy = (await post(base, 'getStats', {})).body as PoolStats;
    expect(busy.recentAnswered).toBe(20);
    expect(busy.averageResponseTime).toBeGreaterThan(0);
    await vi.waitFor(() => expect(samples.at(-1)?.avgLatencyMs).toBeGreaterThan(0), { timeout: 5_000, interval: 50 });
    const stoppedAt = samples.length;
    // Nothing sent from here on: the engine's window empties on the clock, not on the next message.
    await vi.waitFor(
      async () => {
        const s = (await post(base, 'getStats', {})).body as PoolStats;
        if (s.recentAnswered !== 0) throw new Error(`still ${s.recentAnswered} in the latency window`);
      },
      { timeout: 30_000, interval: 250 },
    );
    const idle = (await post(base, 'getStats', {})).body as PoolStats;
    expect(idle).toMatchObject({ averageResponseTime: 0, p95ResponseTime: 0, p99ResponseTime: 0 });
    expect(idle.outcomes.answered).toBe(20); // the counts stay: only the latency window emptied
    await vi.waitFor(() => expect(samples.at(-1)?.avgLatencyMs).toBeNull(), { timeout: 5_000, interval: 50 });
    const last = samples.at(-1)!;
    expect(last).toMatchObject({ throughput: 0, avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null });
    // every sample of the idle stretch had a figure or said "no traffic"; none after the empty window holds one
    const after = samples.slice(samples.findIndex((s, i) => i >= stoppedAt && s.avgLatencyMs === null));
    expect(after.every((s) => s.avgLatencyMs === null)).toBe(true);
    // the history the Charts view reads has the same gaps (null points, not held values)
    // (a 1 s point averages the 200 ms samples that had a figure: the next whole second has none)
    let h: { samples: MetricsSample[] } = { samples: [] };
    await vi.waitFor(
      async () => {
        h = (await post(base, 'getMetricsHistory', { rangeMs: 60_000 })).body;
        expect(h.samples.at(-1)?.avgLatencyMs).toBeNull();
      },
      { timeout: 5_000, interval: 200 },
    );
    expect(h.samples.some((s) => (s.avgLatencyMs ?? 0) > 0)).toBe(true);
  }, 60_000);
});
