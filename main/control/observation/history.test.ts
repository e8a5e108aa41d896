import { describe, expect, it } from 'vitest';
import { DEFAULT_TIERS, MetricsHistoryStore } from './history';
import { capPoints } from './sample-math';
import { sample } from '../../../common/test-support/samples';

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);

describe('MetricsHistoryStore', () => {
  it('keeps memory bounded: eight days of 1 s samples never exceed each tier capacity', () => {
    const h = new MetricsHistoryStore();
    const n = 8 * 24 * 3600;
    for (let i = 0; i < n; i++) h.add(sample(T0 + i * 1000, { throughput: i % 100 }));
    const sizes = h.sizes();
    expect(sizes.map((s) => s.points)).toEqual(DEFAULT_TIERS.map((t) => t.capacity));
    const now = T0 + (n - 1) * 1000;
    const week = h.query(7 * 24 * 3_600_000, now);
    expect(week.resolutionMs).toBe(60_000);
    expect(week.samples.length).toBeLessThanOrEqual(10_080 + 1);
    expect(week.samples.length).toBeGreaterThan(10_000);
  });

  it('answers from the finest tier that covers the range', () => {
    const h = new MetricsHistoryStore();
    for (let i = 0; i < 7200; i++) h.add(sample(T0 + i * 1000));
    const now = T0 + 7199 * 1000;
    expect(h.query(60_000, now).resolutionMs).toBe(1_000);
    expect(h.query(60_000, now).samples).toHaveLength(60);
    expect(h.query(3_600_000, now).resolutionMs).toBe(1_000);
    expect(h.query(2 * 3_600_000, now).resolutionMs).toBe(10_000);
    expect(h.query(2 * 3_600_000, now).samples.length).toBe(720);
  });

  it('downsamples with the mean for rates and the max for queue depth and p99', () => {
    const h = new MetricsHistoryStore();
    for (let i = 0; i < 20; i++) {
      h.add(sample(T0 + i * 1000, { throughput: i < 10 ? i : 0, queueDepth: i === 3 ? 77 : 1, p99LatencyMs: i === 4 ? 900 : 30 }));
    }
    const tenSec = h.query(2 * 3_600_000, T0 + 20_000);
    const first = tenSec.samples[0]!;
    expect(first.throughput).toBe(4.5); // mean of 0..9
    expect(first.queueDepth).toBe(77);
    expect(first.p99LatencyMs).toBe(900);
    expect(first.workers).toEqual([]); // per-worker detail is kept in the 1 h tier only
    const capped = h.query(60_000, T0 + 20_000, 2); // 1 s tier, capped: per-worker counts add up
    expect(capped.samples[0]!.workers.find((w) => w.id === 'w-1')?.messages).toBe(500);
  });

  it('downsampling sums outcome counts, recomputes both rates from the sums, and keeps idle latency as a gap', () => {
    const h = new MetricsHistoryStore();
    for (let i = 0; i < 20; i++) {
      // a busy second, then nine idle ones (no answered message: latency null)
      const busy = i % 10 === 0;
      const outcomes = { answered: busy ? 90 : 0, agentError: busy ? 10 : 0, timedOut: 0, rejected: busy ? 300 : 0, cancelled: 0 };
      const lat = busy ? { avgLatencyMs: 40, p95LatencyMs: 60, p99LatencyMs: 80 } : { avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null };
      h.add(sample(T0 + i * 1000, { outcomes, messages: busy ? 400 : 0, errorRate: busy ? 0.1 : 0, rejectionRate: busy ? 0.75 : 0, ...lat }));
    }
    const first = h.query(2 * 3_600_000, T0 + 20_000).samples[0]!;
    expect(first.outcomes).toEqual({ answered: 90, agentError: 10, timedOut: 0, rejected: 300, cancelled: 0 }); // sums, not means
    expect(first.messages).toBe(400);
    expect(first.rejectionRate).toBe(0.75); // from the sums: a mean over the bucket's seconds would say 7.5 %
    expect(first.errorRate).toBe(0.1);
    expect(first.avgLatencyMs).toBe(40); // the busy second's figure, not diluted by idle ones
    const idleOnly = new MetricsHistoryStore();
    for (let i = 1; i < 10; i++) idleOnly.add(sample(T0 + i * 1000, { avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null }));
    idleOnly.add(sample(T0 + 10_000));
    expect(idleOnly.query(2 * 3_600_000, T0 + 10_000).samples[0]!.p99LatencyMs).toBeNull();
    // persisted and restored with the counts and the gaps
    const restored = new MetricsHistoryStore();
    restored.load(JSON.parse(JSON.stringify(h.toJSON(T0 + 20_000))), T0 + 20_000);
    const back = restored.query(60_000, T0 + 20_000).samples;
    expect(back[0]!.outcomes?.rejected).toBe(300);
    expect(back[1]!.avgLatencyMs).toBeNull();
    expect(back.reduce((n, p) => n + (p.outcomes?.rejected ?? 0), 0)).toBe(600);
  });

  it('an idle bucket has no rates (null, a gap), kept so through the tiers and a restart', () => {
    const h = new MetricsHistoryStore();
    const none = { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };
    const idle = { outcomes: none, messages: 0, errorRate: null, rejectionRate: null, avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null };
    for (let i = 0; i < 10; i++) h.add(sample(T0 + i * 1000, idle));
    h.add(sample(T0 + 10_000, { outcomes: { ...none, answered: 5 }, messages: 5, errorRate: 0, rejectionRate: 0 }));
    const bucket = h.query(2 * 3_600_000, T0 + 10_000).samples[0]!; // 10 s bucket of the idle seconds
    expect(bucket.messages).toBe(0);
    expect(bucket.errorRate).toBeNull();
    expect(bucket.rejectionRate).toBeNull();
    const restored = new MetricsHistoryStore();
    restored.load(JSON.parse(JSON.stringify(h.toJSON(T0 + 10_000))), T0 + 10_000);
    const back = restored.query(60_000, T0 + 10_000).samples;
    expect(back[0]).toMatchObject({ errorRate: null, rejectionRate: null });
    expect(back[10]).toMatchObject({ errorRate: 0, rejectionRate: 0 });
    // older samples, recorded before the rates could be null, still average as before
    expect(capPoints([sample(T0, { errorRate: 0.2 }), sample(T0 + 1000, { errorRate: 0.4 })], 1).points[0]!.errorRate).toBeCloseTo(0.3);
  });

  it('caps points by aggregating neighbours', () => {
    const h = new MetricsHistoryStore();
    for (let i = 0; i < 600; i++) h.add(sample(T0 + i * 1000, { throughput: i }));
    const capped = h.query(600_000, T0 + 599_999, 60);
    expect(capped.samples).toHaveLength(60);
    expect(capped.resolutionMs).toBe(10_000);
    expect(capped.samples[0]!.throughput).toBe(4.5);
    expect(capPoints([], 10).points).toEqual([]);
  });

  it('survives a restart through its persisted form and drops expired points', () => {
    const h = new MetricsHistoryStore();
    for (let i = 0; i < 300; i++) h.add(sample(T0 + i * 1000, { throughput: i }));
    const json = JSON.parse(JSON.stringify(h.toJSON(T0 + 300_000)));
    const restored = new MetricsHistoryStore();
    expect(restored.load(json, T0 + 300_000)).toBeGreaterThan(300);
    const back = restored.query(600_000, T0 + 300_000);
    expect(back.samples).toHaveLength(300);
    // pool-level only; a rate the sample did not carry comes back as null (no value)
    expect(back.samples[299]).toEqual({ ...sample(T0 + 299_000, { throughput: 299 }), rejectionRate: null, workers: [] });
    const later = new MetricsHistoryStore();
    later.load(json, T0 + 2 * 3_600_000);
    expect(later.sizes()[0]!.points).toBe(0); // older than the 1 h tier's span
    expect(later.sizes()[1]!.points).toBe(30);
    expect(new MetricsHistoryStore().load({ version: 99 }, T0)).toBe(0);
  });

  it('drops restored points from the future (the clock went back), so time stays in order', () => {
    const h = new MetricsHistoryStore();
    for (let i = 0; i < 300; i++) h.add(sample(T0 + i * 1000));
    const json = JSON.parse(JSON.stringify(h.toJSON(T0 + 300_000)));
    const now = T0 + 100_000; // restarted after the system clock was set back 200 s
    const restored = new MetricsHistoryStore();
    restored.load(json, now);
    restored.add(sample(now + 1000));
    const ts = restored.query(3_600_000, now + 1000).samples.map((s) => s.t);
    expect(ts.length).toBeGreaterThan(50);
    expect(ts.every((t) => t <= now + 1000)).toBe(true);
    expect(ts.every((t, i) => i === 0 || t > ts[i - 1]!)).toBe(true);
  });
});
