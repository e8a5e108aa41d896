// What a recommendation is made of, shared by the fixed-rate method
// (recommend.ts) and capacity mode (capacity.ts): the cost order of two
// setting combinations, the patch, the edge hint, p99 with its spread in words.
import type { AppConfig } from '../../../common/schemas';
import type { Experiment, TuningPoint, TuningRecommendation } from '../../../common/tuning';
import { sig3 } from '../../../common/tuning-style';
import { edgeHint } from './edge';
import { pointsOf } from '../../../common/tuning-points';
import { poolPatch } from './settings';

export interface Recommended {
  recommendation: TuningRecommendation;
  points: TuningPoint[];
  kneeStep?: number;
  p99BudgetMs?: number;
  sustained?: Experiment['sustained'];
}

export const ms = (v: number) => `${sig3(v)} ms`;
/** "70.6 ms (68.1–74.0 over 3 rounds)" */
export const p99Text = (p: TuningPoint) =>
  p.runs > 1
    ? `${ms(p.p99Ms.median)} (${sig3(p.p99Ms.min)}–${sig3(p.p99Ms.max)} over ${p.runs} rounds)`
    : `${ms(p.p99Ms.median)} (1 round: no spread measured)`;

/** Cost of a setting combination: worker processes first, then memory. */
export function cheaper(a: TuningPoint, b: TuningPoint, exp: Pick<Experiment, 'current'>): number {
  const workers = (p: TuningPoint) => Number(p.settings.workers ?? exp.current.workers ?? 0);
  return workers(a) - workers(b) || a.rssBytes - b.rssBytes;
}

/** The first step of a point's group: what `recommendation.step` names. */
export const stepOf = (exp: Experiment, p: TuningPoint) => exp.steps.find((s) => s.group === p.group && s.target === p.target)?.index ?? null;

export function make(exp: Experiment, config: AppConfig, p: TuningPoint | undefined, reason: string, keep = false): TuningRecommendation {
  if (!p) return { step: null, patch: { pool: {} }, reason, throughputRatio: 0 };
  const base = pointsOf(exp).find((q) => q.baseline && q.target === p.target);
  const rec: TuningRecommendation = {
    step: stepOf(exp, p),
    group: p.group,
    patch: { pool: keep || p.baseline ? {} : poolPatch(p.settings, config) },
    reason,
    throughputRatio: base && base.throughput.median > 0 ? p.throughput.median / base.throughput.median : 0,
  };
  const hint = edgeHint(exp, p.settings);
  if (hint) rec.hint = hint;
  return rec;
}
