// Capacity mode: each setting combination meets rising offered rates (load.rate
// × factor^k); a combination stops at the first level it does not keep up with
// or where its p99 leaves the budget. Its sustained rate is the last level it
// passed. The recommendation is the combination sustaining the most, the
// cheaper one when two sustain the same level.
import type { AppConfig } from '../../../common/schemas';
import type { Experiment, ExperimentSpec, TuningPoint } from '../../../common/tuning';
import { stepLabel } from '../../../common/tuning-series';
import { sig3 } from '../../../common/tuning-style';
import { pointsOf } from '../../../common/tuning-points';
import { cheaper, make, type Recommended } from './choose';

export const DEFAULT_CAPACITY = { factor: 1.5, levels: 5 };

/** The offered rates of the levels, rounded to 3 significant digits so they read well on an axis. */
export function levelRates(spec: Pick<ExperimentSpec, 'load' | 'capacity' | 'mode'>): number[] {
  if (spec.mode !== 'capacity') return [spec.load.rate];
  const { factor, levels } = { ...DEFAULT_CAPACITY, ...spec.capacity };
  return Array.from({ length: levels }, (_, k) => Number((spec.load.rate * factor ** k).toPrecision(3)));
}

/** Whether a point passes its level: kept up in every round, p99 median within the budget. */
export const passes = (p: TuningPoint, budget: number) => p.keptUp && p.p99Ms.median <= budget;

export function sustainedRates(points: TuningPoint[], budget: number): { group: number; rate: number | null }[] {
  const groups = [...new Set(points.map((p) => p.group))];
  return groups.map((group) => {
    let rate: number | null = null;
    for (const p of points.filter((q) => q.group === group).sort((a, b) => a.target - b.target)) {
      if (!passes(p, budget)) break;
      rate = p.target;
    }
    return { group, rate };
  });
}

export function recommendCapacity(exp: Experiment, config: AppConfig): Recommended {
  const points = pointsOf(exp);
  const budget = exp.spec.p99BudgetMs!;
  const sustained = sustainedRates(points, budget);
  const top = Math.max(...levelRates(exp.spec));
  const out = (p: TuningPoint | undefined, reason: string, keep = false): Recommended => {
    const recommendation = make(exp, config, p, reason, keep);
    if (p && sustained.find((s) => s.group === p.group)?.rate === top) {
      const more = `It kept up at every rate tried (up to ${sig3(top)} msg/s): its capacity lies beyond; try a higher start rate or more levels.`;
      recommendation.hint = recommendation.hint ? `${more} ${recommendation.hint}` : more;
    }
    return { recommendation, points, p99BudgetMs: budget, sustained, kneeStep: recommendation.step ?? undefined };
  };
  const best = Math.max(...sustained.map((s) => s.rate ?? 0));
  if (!(best > 0)) return out(undefined, `No setting kept up within p99 ${sig3(budget)} ms even at ${sig3(exp.spec.load.rate)} msg/s; start lower.`);
  // the point at each group's sustained level, the cheapest of those sustaining the most
  const atBest = sustained.filter((s) => s.rate === best).map((s) => points.find((p) => p.group === s.group && p.target === best)!);
  const pick = atBest.reduce((a, b) => (cheaper(b, a, exp) < 0 ? b : a));
  const base = points.find((p) => p.baseline);
  const baseRate = base ? sustained.find((s) => s.group === base.group)?.rate : undefined;
  const today = base ? ` Today (${stepLabel(base.settings)}) sustains ${baseRate ? `${sig3(baseRate)} msg/s` : `none of the rates tried`}.` : '';
  const reason = `${stepLabel(pick.settings)}: sustains ${sig3(best)} msg/s within p99 ${sig3(budget)} ms (p99 there ${sig3(pick.p99Ms.median)} ms).${today}${atBest.length > 1 ? ` ${atBest.length - 1} other${atBest.length > 2 ? 's' : ''} sustain the same level; the cheapest is chosen.` : ''}`;
  return out(pick, reason, pick.baseline || baseRate === best);
}
