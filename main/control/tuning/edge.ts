// "Try more": when the recommended value of a numeric setting is the largest
// (or smallest) value tried, the best may lie beyond the range; propose the
// next values, continuing the tried progression (+1 for 1, 2, 3; ×2 for 1, 2, 4; at most ×4 for 1, 4, 32).
import type { Experiment, SettingValue, TuningSetting } from '../../../common/tuning';
import { SETTING_LABELS } from '../../../common/tuning-series';

const MAX_RATIO = 4;

function beyond(values: number[], up: boolean): number[] {
  const s = [...values].sort((a, b) => a - b);
  const [a, b] = up ? [s[s.length - 2]!, s[s.length - 1]!] : [s[1]!, s[0]!];
  // evenly spaced (1, 2, 3): keep adding the step; otherwise keep multiplying by the last ratio
  const gaps = s.slice(1).map((v, i) => v - s[i]!);
  const even = gaps.length > 1 && gaps.every((g) => g === gaps[0]);
  const geometric = !even && a > 0 && b > 0;
  // a wide jump (2 → 50) continues at ×4 at most: the next values should still be near enough to compare
  const ratio = geometric ? Math.min(MAX_RATIO, up ? b / a : a / b) : 1;
  const next = (v: number) => (geometric ? (up ? v * ratio : v / ratio) : v + (b - a));
  const out: number[] = [];
  let v = b;
  for (let k = 0; k < 2; k++) {
    v = Math.round(next(v));
    if (v < 1 || out.includes(v) || v === b) break;
    out.push(v);
  }
  return out;
}

/** The hint for the recommended settings, or undefined when every recommended value is inside the tried range. */
export function edgeHint(exp: Pick<Experiment, 'spec'>, settings: Partial<Record<TuningSetting, SettingValue>>): string | undefined {
  const notes: string[] = [];
  for (const { setting, values } of exp.spec.vary) {
    const nums = values.filter((v): v is number => typeof v === 'number');
    const v = settings[setting];
    if (typeof v !== 'number' || nums.length < 2) continue;
    const up = v === Math.max(...nums);
    if (!up && v !== Math.min(...nums)) continue;
    const next = beyond(nums, up);
    if (!next.length) continue;
    notes.push(`${v} is the ${up ? 'largest' : 'smallest'} ${SETTING_LABELS[setting]} tried; the best may lie beyond: try ${next.join(', ')}`);
  }
  return notes.length ? `${notes.join('. ')}.` : undefined;
}
