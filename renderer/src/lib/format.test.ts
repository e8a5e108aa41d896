// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { fillRatio, formatBytes, formatDuration, formatMs, formatPct, formatRate, humanMs } from './format';

describe('formatting', () => {
  it('prints latencies in the unit that reads best', () => {
    expect(formatMs(0.25)).toBe('0.25 ms');
    expect(formatMs(4.56)).toBe('4.6 ms');
    expect(formatMs(350)).toBe('350 ms');
    expect(formatMs(2_345)).toBe('2.35 s');
    expect(formatMs(NaN)).toBe('—');
  });
  it('prints ages as days, hours, minutes', () => {
    expect(formatDuration(59_000)).toBe('59s');
    expect(formatDuration(3_725_000)).toBe('1h 2m');
    expect(formatDuration(90_000_000)).toBe('1d 1h');
  });
  it('prints setting durations in human units, exact or marked ≈', () => {
    expect(humanMs(3_600_000)).toBe('1 h');
    expect(humanMs(5_400_000)).toBe('1 h 30 min');
    expect(humanMs(360_000)).toBe('6 min');
    expect(humanMs(30_000)).toBe('30 s');
    expect(humanMs(1_500)).toBe('1.5 s');
    expect(humanMs(250)).toBe('250 ms');
    expect(humanMs(2_147_483_647)).toBe('≈ 24 d 20 h');
  });
  it('prints sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(35 * 1_048_576)).toBe('35 MB');
    expect(formatBytes(1.5 * 1_048_576)).toBe('1.5 MB');
  });
  it('prints ratios as percentages and rates per second', () => {
    expect(formatPct(0.1234)).toBe('12.3 %');
    expect(formatRate(12_345)).toBe('12.3k/s');
    expect(formatRate(2.5)).toBe('2.50/s');
  });
  it('clamps queue fill and treats zero capacity as empty', () => {
    expect(fillRatio(50, 100)).toBe(0.5);
    expect(fillRatio(150, 100)).toBe(1);
    expect(fillRatio(3, 0)).toBe(0);
  });
});
