// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { lttb, lttbIndices } from './lttb';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('lttb', () => {
  it('returns every point when the threshold is not below the length', () => {
    expect(lttbIndices([0, 1, 2], [5, 6, 7], 10)).toEqual([0, 1, 2]);
  });

  it('cuts 86,400 points to exactly the threshold, keeping first and last', () => {
    const xs = range(86_400);
    const ys = xs.map((x) => Math.sin(x / 500));
    const idx = lttbIndices(xs, ys, 1000);
    expect(idx).toHaveLength(1000);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(86_399);
    for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
  });

  it('keeps a single spike that averaging would flatten', () => {
    const xs = range(10_000);
    const ys = xs.map((x) => (x === 6_543 ? 1_000 : 1));
    const kept = lttb(
      xs.map((x, i) => ({ x, y: ys[i]! })),
      200,
    );
    expect(kept.some((p) => p.x === 6_543 && p.y === 1_000)).toBe(true);
  });

  it('treats non-finite values as zero instead of poisoning the buckets', () => {
    const xs = range(100);
    const ys = xs.map((x) => (x % 7 === 0 ? NaN : x));
    const idx = lttbIndices(xs, ys, 20);
    expect(idx).toHaveLength(20);
  });
});
