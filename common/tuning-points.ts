// Steps over their rounds: one point per setting combination and target rate,
// each figure as its median with its spread (min..max over rounds). A
// difference smaller than the spread is noise (docs/tuning.md). Pure and
// shared: the host recommends from these, the Tuning view draws them as
// steps arrive. Imports only types.
import type { Experiment, Spread, TuningPoint, TuningStep } from './tuning';

export function spread(values: readonly number[]): Spread {
  if (!values.length) return { median: 0, min: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

/** Two figures differ only when their spreads do not overlap. */
export const overlaps = (a: Spread, b: Spread): boolean => a.min <= b.max && b.min <= a.max;

/** Points of the done steps, in the order their groups (and rates) were first tried. */
export function pointsOf(exp: Pick<Experiment, 'steps'>): TuningPoint[] {
  const byKey = new Map<string, TuningStep[]>();
  for (const s of exp.steps) {
    if (s.status !== 'done') continue;
    const key = `${s.group}@${s.target}`;
    const list = byKey.get(key) ?? [];
    list.push(s);
    byKey.set(key, list);
  }
  return [...byKey.values()].map((runs) => {
    const first = runs[0]!;
    const behind = runs.find((r) => !r.keptUp);
    const point: TuningPoint = {
      group: first.group,
      settings: first.settings,
      baseline: first.baseline,
      target: first.target,
      runs: runs.length,
      keptUp: !behind,
      throughput: spread(runs.map((r) => r.throughput)),
      p99Ms: spread(runs.map((r) => r.p99Ms)),
      p50Ms: spread(runs.map((r) => r.p50Ms)).median,
      errorRate: Math.max(...runs.map((r) => r.errorRate)),
      rejectionRate: Math.max(...runs.map((r) => r.rejectionRate)),
      rssBytes: spread(runs.map((r) => r.rssBytes)).median,
    };
    if (behind?.behind) point.behind = behind.behind;
    return point;
  });
}
