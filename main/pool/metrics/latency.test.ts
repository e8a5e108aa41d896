// The latency histogram and the deadline tracker: pure, no processes.
import { describe, expect, it } from 'vitest';
import { DeadlineTracker, type Deadlined } from '../worker/deadlines';
import { LatencyHistogram } from './latency';

describe('LatencyHistogram', () => {
  it('percentiles are within the bucket precision of the exact values', () => {
    const h = new LatencyHistogram();
    const samples = Array.from({ length: 10_000 }, (_, i) => 0.01 + (i % 1000) * 0.05); // 0.01 .. 49.96 ms
    for (const s of samples) h.record(s);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      expect(Math.abs(h.percentile(p) - exact) / exact, `p${p}`).toBeLessThan(0.04);
    }
    expect(h.mean).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 6);
    expect(h.count).toBe(10_000);
  });

  it('is empty-safe, ignores invalid samples, clamps to the exact min and max', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, mean: 0, min: 0, max: 0, p50: 0, p95: 0, p99: 0 });
    h.record(Number.NaN);
    h.record(-1);
    expect(h.count).toBe(0);
    h.record(7);
    expect(h.percentile(50)).toBe(7);
    expect(h.percentile(100)).toBe(7);
    h.record(1e12); // beyond the last bucket
    expect(h.percentile(100)).toBe(1e12);
  });

  it('merge adds samples and reset clears them', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 100; i++) a.record(1);
    for (let i = 0; i < 100; i++) b.record(100);
    a.merge(b);
    expect(a.count).toBe(200);
    expect(a.percentile(25)).toBeCloseTo(1, 1);
    expect(a.percentile(99)).toBeGreaterThan(95);
    a.reset();
    expect(a.count).toBe(0);
    expect(a.percentile(50)).toBe(0);
  });
});

describe('DeadlineTracker', () => {
  const item = (deadline: number, timeoutMs: number): Deadlined & { name: string } => ({ deadline, timeoutMs, name: `${timeoutMs}@${deadline}` });

  it('expires due items from every timeout group and keeps the rest', () => {
    const expired: string[] = [];
    const t = new DeadlineTracker<ReturnType<typeof item>>(1000, (x) => expired.push(x.name));
    const a = item(100, 100);
    const b = item(150, 100);
    const c = item(120, 20); // shorter timeout, sent later: its own group
    const d = item(500, 20);
    for (const x of [a, b, c, d]) t.add(x);
    t.sweep(130);
    expect(expired.sort()).toEqual([a.name, c.name].sort());
    expect(t.count).toBe(2);
    t.remove(b);
    t.sweep(1000);
    expect(expired).toContain(d.name);
    expect(expired).not.toContain(b.name);
    expect(t.count).toBe(0);
    t.clear();
  });
});
