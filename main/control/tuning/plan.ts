// The steps of an experiment, in the order they run: for each rate level
// (one, unless capacity mode), every round in turn, and in each round every
// setting combination (today's too). Interleaving puts drift of a shared
// machine into every combination's spread instead of into one combination.
import type { ExperimentSpec, TuningStep } from '../../../common/tuning';
import { levelRates } from './capacity';
import { stepGrid, type StepSettings } from './settings';

/** A step's figures before it has run (tests build recorded steps from it too). */
export const emptyFigures = {
  throughput: 0,
  offered: 0,
  p50Ms: 0,
  p95Ms: 0,
  p99Ms: 0,
  errorRate: 0,
  rejectionRate: 0,
  messages: 0,
  answered: 0,
  backlogGrowth: 0,
  keptUp: false,
  rssBytes: 0,
  loopLagMs: 0,
};

/** `replayRate`: the recorded rate × multiple, when the load is a replay. */
export function planSteps(spec: ExperimentSpec, current: StepSettings, replayRate?: number): TuningStep[] {
  const groups = stepGrid(spec, current);
  const rates = replayRate !== undefined ? [replayRate] : levelRates(spec);
  const steps: TuningStep[] = [];
  for (const target of rates)
    for (let round = 0; round < spec.rounds; round++)
      groups.forEach((g, group) => steps.push({ index: steps.length, group, round, target, ...g, status: 'pending', ...emptyFigures }));
  return steps;
}
