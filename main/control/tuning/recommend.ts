// Picks the step to recommend: the best throughput that stays within the p99
// budget and does not fail more than today, and of the steps within 5 % of
// that best, the first one in the order tried (the smallest / cheapest
// value: the knee, past which more of the setting stops paying).
import type { AppConfig } from '../../../common/schemas';
import type { Experiment, TuningRecommendation, TuningStep } from '../../../common/tuning';
import { stepLabel } from '../../../common/tuning-series';
import { poolPatch } from './settings';

/** Latency a step may add over today's and still count as "the same p99": noise on a shared machine. */
export const P99_SLACK = { ratio: 1.1, ms: 1 };
/** Error + rejection rate a step may add over today's. */
export const FAILURE_SLACK = 0.01;
/** Within this share of the best throughput, the cheaper step wins. */
export const KNEE_SHARE = 0.95;
/** A gain below this is not worth a change: keep today's settings. */
export const MIN_GAIN = 1.05;

const fmt = (n: number, digits = 1) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits));
const failing = (s: TuningStep) => s.errorRate + s.rejectionRate;

export function p99Budget(exp: Pick<Experiment, 'spec' | 'steps'>): number | undefined {
  if (exp.spec.p99BudgetMs !== undefined) return exp.spec.p99BudgetMs;
  const base = exp.steps.find((s) => s.baseline && s.status === 'done');
  return base ? base.p99Ms * P99_SLACK.ratio + P99_SLACK.ms : undefined;
}

export function recommend(exp: Experiment, config: AppConfig): { kneeStep?: number; recommendation: TuningRecommendation; p99BudgetMs?: number } {
  const done = exp.steps.filter((s) => s.status === 'done');
  const base = done.find((s) => s.baseline);
  const budget = p99Budget(exp);
  const maxFailing = base ? failing(base) + FAILURE_SLACK : FAILURE_SLACK;
  const eligible = done.filter((s) => s.throughput > 0 && (budget === undefined || s.p99Ms <= budget) && failing(s) <= maxFailing);
  const none = (reason: string) => ({ recommendation: { step: null, patch: { pool: {} }, reason, throughputRatio: 0 }, p99BudgetMs: budget });
  if (eligible.length === 0) {
    return none(
      budget === undefined
        ? 'No step finished with answered messages.'
        : `No step kept p99 within ${fmt(budget)} ms with no more failures than today; try a lower rate or other values.`,
    );
  }
  const best = Math.max(...eligible.map((s) => s.throughput));
  const knee = eligible.find((s) => s.throughput >= KNEE_SHARE * best)!;
  const ratio = base && base.throughput > 0 ? knee.throughput / base.throughput : 0;
  const p99Text = base ? `p99 ${fmt(knee.p99Ms)} ms (today ${fmt(base.p99Ms)} ms)` : `p99 ${fmt(knee.p99Ms)} ms`;
  if (knee.baseline || (base && ratio < MIN_GAIN && knee.p99Ms >= base.p99Ms)) {
    const reason = `Keep today's settings (${stepLabel(base!.settings)}): ${fmt(base!.throughput)} msg/s at p99 ${fmt(base!.p99Ms)} ms; no step did 5 % better within the budget.`;
    return { kneeStep: knee.index, recommendation: { step: base!.index, patch: { pool: {} }, reason, throughputRatio: 1 }, p99BudgetMs: budget };
  }
  const label = stepLabel(knee.settings);
  const reason = base
    ? `${label}: ${ratio.toFixed(1)}× today's throughput (${fmt(knee.throughput)} vs ${fmt(base.throughput)} msg/s) at ${p99Text}.`
    : `${label}: ${fmt(knee.throughput)} msg/s at ${p99Text}.`;
  return { kneeStep: knee.index, recommendation: { step: knee.index, patch: { pool: poolPatch(knee.settings, config) }, reason, throughputRatio: ratio }, p99BudgetMs: budget };
}
