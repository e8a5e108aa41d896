// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { tickLabel, timeTicks } from './ticks';

describe('timeTicks', () => {
  it('puts a 24 h range on round 4-hour clock times', () => {
    const from = Date.UTC(2026, 10, 26, 1, 47, 41);
    const ticks = timeTicks(from, from + 86_400_000, 6, 0);
    expect(ticks[0]).toBe(Date.UTC(2026, 10, 26, 4, 0, 0));
    expect(ticks.every((t, i) => i === 0 || t - ticks[i - 1]! === 14_400_000)).toBe(true);
    expect(ticks.length).toBeLessThanOrEqual(6);
  });

  it('uses one-minute steps for five minutes and stays inside the range', () => {
    const from = Date.UTC(2026, 0, 1, 10, 0, 30);
    const ticks = timeTicks(from, from + 300_000, 6, 0);
    expect(ticks[0]).toBe(Date.UTC(2026, 0, 1, 10, 1, 0));
    expect(ticks.at(-1)!).toBeLessThanOrEqual(from + 300_000);
  });

  it('labels with seconds only on short ranges and with the date on multi-day ranges', () => {
    const t = new Date(2026, 10, 26, 8, 5, 9).getTime();
    expect(tickLabel(t, 300_000)).toBe('08:05:09');
    expect(tickLabel(t, 86_400_000)).toBe('08:05');
    expect(tickLabel(t, 7 * 86_400_000)).toBe('11/26 08:05');
  });
});
