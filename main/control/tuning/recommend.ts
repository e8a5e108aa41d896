// The recommendation (docs/tuning.md, "The method"). At a fixed offered rate
// every step that keeps up has the same throughput, so throughput is not what
// to maximise: among the steps that keep up within the p99 budget, the best
// p99 — and of those whose p99 cannot be told apart from the best (spreads
// overlap), the cheapest: the smallest pool that keeps up within the budget.
import type { AppConfig } from '../../../common/schemas';
import type { Experiment, TuningPoint } from '../../../common/tuning';
import { stepLabel } from '../../../common/tuning-series';
import { sig3 } from '../../../common/tuning-style';
import { recommendCapacity } from './capacity';
import { cheaper, make, ms, p99Text, type Recommended } from './choose';
import { overlaps, pointsOf } from '../../../common/tuning-points';

export type { Recommended } from './choose';

export function recommend(exp: Experiment, config: AppConfig): Recommended {
  if (exp.spec.mode === 'capacity') return recommendCapacity(exp, config);
  const points = pointsOf(exp);
  const budget = exp.spec.p99BudgetMs;
  const out = (p: TuningPoint | undefined, reason: string, keep = false): Recommended => {
    const recommendation = make(exp, config, p, reason, keep);
    return { recommendation, points, p99BudgetMs: budget, kneeStep: recommendation.step ?? undefined };
  };
  if (!points.length) return out(undefined, 'No step finished.');
  const rate = `${sig3(points[0]!.target)} msg/s`;
  const kept = points.filter((p) => p.keptUp);
  const keepers = kept.filter((p) => budget === undefined || p.p99Ms.median <= budget);
  if (!kept.length) {
    const top = points.reduce((a, b) => (b.throughput.median > a.throughput.median ? b : a));
    return out(
      top,
      `The load (${rate}) is beyond every step: none kept up. The highest sustained: ${stepLabel(top.settings)}, ${sig3(top.throughput.median)} msg/s answered (${top.behind ?? 'behind'}).`,
    );
  }
  if (!keepers.length) {
    const best = kept.reduce((a, b) => (b.p99Ms.median < a.p99Ms.median ? b : a));
    return out(undefined, `No step kept p99 within ${ms(budget!)}; the best that kept up: ${stepLabel(best.settings)} at p99 ${p99Text(best)}.`);
  }
  const best = keepers.reduce((a, b) => (b.p99Ms.median < a.p99Ms.median ? b : a));
  const tied = keepers.filter((p) => overlaps(p.p99Ms, best.p99Ms));
  const pick = tied.reduce((a, b) => (cheaper(b, a, exp) < 0 ? b : a));
  const base = points.find((p) => p.baseline);
  const label = stepLabel(pick.settings);
  const noise = tied.length > 1 ? ` ${tied.length - 1} other${tied.length > 2 ? 's' : ''} within noise of the best p99; the cheapest is chosen.` : '';
  if (pick.baseline) return out(pick, `Keep today's settings (${label}): it keeps up at ${rate} with p99 ${p99Text(pick)}.${noise}`, true);
  if (base?.keptUp && overlaps(pick.p99Ms, base.p99Ms) && cheaper(pick, base, exp) >= 0) {
    return out(
      base,
      `Keep today's settings (${stepLabel(base.settings)}): ${label} keeps up too, but its p99 ${p99Text(pick)} is within the spread of today's ${p99Text(base)} — no clear difference.`,
      true,
    );
  }
  const today = !base
    ? ''
    : base.keptUp
      ? ` Today (${stepLabel(base.settings)}): p99 ${p99Text(base)}.`
      : ` Today (${stepLabel(base.settings)}) did not keep up: ${base.behind ?? 'behind'}.`;
  return out(pick, `${label}: keeps up at ${rate} with the lowest p99, ${p99Text(pick)}.${today}${noise}`);
}
