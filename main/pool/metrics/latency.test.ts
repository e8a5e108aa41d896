// The latency histogram (cumulative and windowed): pure, no processes.
import { describe, expect, it } from 'vitest';
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

describe('LatencyHistogram, windowed (the pool)', () => {
  it('percentiles are within the bucket resolution', () => {
    const h = new LatencyHistogram(60_000, 0);
    for (let i = 1; i <= 1000; i++) h.record(i / 10, 1); // 0.1 .. 100 ms
    expect(h.count).toBe(1000);
    expect(h.mean).toBeCloseTo(50.05, 5);
    expect(h.percentile(50)).toBeGreaterThan(50 * 0.95);
    expect(h.percentile(50)).toBeLessThan(50 * 1.05);
    expect(h.percentile(99)).toBeGreaterThan(99 * 0.95);
    expect(h.percentile(99)).toBeLessThan(99 * 1.05);
  });

  it('old samples age out after two windows', () => {
    const h = new LatencyHistogram(1_000, 0);
    h.record(500, 10);
    h.record(1, 1_500); // rotates: the 500 ms sample is in the previous window
    expect(h.percentile(100)).toBeGreaterThan(400);
    h.record(1, 2_600); // rotates again: it is gone
    expect(h.percentile(100)).toBeLessThan(2);
  });
});
