// Shapes refused before anything starts (issue 17: one experiment of
// 8 workers × 100,000 per worker × 1 MB payloads ran this process out of heap
// in 28 s). Every message the load may keep outstanding can hold its payload
// twice in this process (the data, and its frame on the way to the worker),
// so the worst case is outstanding × (payload + envelope) × 2; it must fit in
// a share of the heap. And an experiment is bounded in time.
import { getHeapStatistics } from 'node:v8';
import type { ConfigIssue } from '../../../common/contract';
import { MAX_EXPERIMENT_MS, type ExperimentSpec } from '../../../common/tuning';
import type { PoolOptions } from '../../pool/index';
import { maxOutstandingOf } from './step';

const ENVELOPE_BYTES = 256;
/** The share of this process's heap limit a load's outstanding messages may fill at worst. */
export const HEAP_SHARE = 0.25;
export const loadByteBudget = () => Math.floor(getHeapStatistics().heap_size_limit * HEAP_SHARE);

const mb = (b: number) => `${Number((b / 1_048_576).toPrecision(3)).toLocaleString('en-US')} MB`;

type Shape = Pick<PoolOptions, 'messageQueueSize' | 'maxWorkers' | 'concurrencyPerWorker'>;

/** The worst case of a load of `payloadBytes` per message on a pool of these options, or an issue naming the field. */
export function loadFits(opts: Shape, payloadBytes: number, path: string, label: string, budget = loadByteBudget()): ConfigIssue | undefined {
  const outstanding = maxOutstandingOf(opts);
  const worst = outstanding * (payloadBytes + ENVELOPE_BYTES) * 2;
  if (worst <= budget) return undefined;
  return {
    path,
    message: `${label} may keep ${outstanding.toLocaleString('en-US')} messages of ${payloadBytes.toLocaleString('en-US')} B outstanding: up to ${mb(worst)} in this process, over its ${mb(budget)} budget; lower the payload, the concurrency, the workers or the queue size`,
  };
}

/** Every step of the experiment together: warm-up + window + the longest drain. */
export function timeIssue(spec: ExperimentSpec, steps: number): ConfigIssue | undefined {
  const perStep = spec.warmupMs + spec.measureMs + Math.min(spec.measureMs, 5_000) + 1_000; // + start and stop of the pool
  const total = steps * perStep;
  if (total <= MAX_EXPERIMENT_MS) return undefined;
  return {
    path: 'spec.measureMs',
    message: `${steps} steps × ~${(perStep / 1000).toFixed(1)} s ≈ ${Math.round(total / 60_000)} min; at most ${MAX_EXPERIMENT_MS / 60_000} min: fewer values, rounds or levels, or shorter steps`,
  };
}
