// The pool's sliding-window latency histogram: pure, no workers.
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram';

describe('latency histogram', () => {
  it('percentiles are within the bucket resolution', () => {
    const h = new LatencyHistogram(60_000, 0);
    for (let i = 1; i <= 1000; i++) h.record(i / 10, 1); // 0.1 .. 100 ms
    expect(h.count).toBe(1000);
    expect(h.mean()).toBeCloseTo(50.05, 5);
    expect(h.percentile(0.5)).toBeGreaterThan(50 * 0.95);
    expect(h.percentile(0.5)).toBeLessThan(50 * 1.05);
    expect(h.percentile(0.99)).toBeGreaterThan(99 * 0.95);
    expect(h.percentile(0.99)).toBeLessThan(99 * 1.05);
  });

  it('old samples age out after two windows', () => {
    const h = new LatencyHistogram(1_000, 0);
    h.record(500, 10);
    h.record(1, 1_500); // rotates: the 500 ms sample is in the previous window
    expect(h.percentile(1)).toBeGreaterThan(400);
    h.record(1, 2_600); // rotates again: it is gone
    expect(h.percentile(1)).toBeLessThan(2);
  });
});
