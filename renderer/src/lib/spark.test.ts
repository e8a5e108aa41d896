// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { sparkPoints } from './spark';

describe('sparkPoints', () => {
  it('spans the width and puts the largest value at the top', () => {
    const pts = sparkPoints([0, 5, 10], 100, 20, 0)
      .split(' ')
      .map((p) => p.split(',').map(Number));
    expect(pts).toEqual([
      [0, 20],
      [50, 10],
      [100, 0],
    ]);
  });
  it('draws nothing for fewer than two values and a flat line mid-free for constants', () => {
    expect(sparkPoints([3], 100, 20)).toBe('');
    const ys = sparkPoints([4, 4, 4], 100, 20, 0)
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(new Set(ys)).toEqual(new Set([0])); // anchored at zero: a constant 4 sits at the top
  });
});
