// Shapes of the tuning assistant (issue 12): an experiment varies one or two
// pool settings over a few values, runs each combination on a throw-away pool
// under the same load, and recommends the best. Part of the typed API table
// (contract.ts); imports only zod.
import { z } from 'zod';

/** Settings an experiment may vary. `workers` is a fixed-size pool (minWorkers = maxWorkers = value). */
export const TUNING_SETTINGS = [
  'workers',
  'concurrencyPerWorker',
  'loadBalancingStrategy',
  'messageQueueSize',
  'workerQueueSize',
  'maxMessagesPerWorker',
  'workerRecycleInterval',
  'maxWorkerMemoryMB',
] as const;
export type TuningSetting = (typeof TUNING_SETTINGS)[number];

export const MAX_EXPERIMENT_STEPS = 24;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const tuningLoadSchema = z.strictObject({
  rate: z.number().min(1).max(100_000), // msg/s offered
  sleepMs: int(0, 60_000).default(0), // cooperative wait per message (gevent.sleep)
  cpuMs: z.number().min(0).max(1_000).default(0), // CPU work per message that does not yield
  failureRate: z.number().min(0).max(1).default(0),
  payloadBytes: int(0, 1_000_000).default(0),
  /** replay the live pool's recent traffic (arrival gaps, sizes, run times, failures) instead of the shapes above */
  replay: z.boolean().default(false),
  /** replay at this multiple of the recorded rate (1 = as recorded) */
  replayMultiple: z.number().min(0.1).max(100).default(1),
});

export const MAX_ROUNDS = 5;
export const MAX_LEVELS = 8;
/** Every step of an experiment together, warm-up + window + drain: a bound the operator cannot exceed by accident. */
export const MAX_EXPERIMENT_MS = 30 * 60_000;

export const experimentSpecSchema = z
  .strictObject({
    name: z.string().max(100).optional(),
    vary: z
      .array(
        z.strictObject({
          setting: z.enum(TUNING_SETTINGS),
          values: z
            .array(z.union([z.number(), z.string().min(1)]))
            .min(1)
            .max(12),
        }),
      )
      .min(1)
      .max(2),
    load: tuningLoadSchema,
    warmupMs: int(0, 60_000).default(1_000),
    measureMs: int(500, 300_000).default(3_000),
    /** p99 a recommendation may not exceed (capacity mode: the p99 past which a rate is not sustained) */
    p99BudgetMs: z.number().positive().optional(),
    /** every step runs this many times, in interleaved rounds (today's in each), so its spread is known */
    rounds: int(1, MAX_ROUNDS).default(2),
    /** fixed: every setting at load.rate; capacity: each setting at rising rates until it stops keeping up */
    mode: z.enum(['fixed', 'capacity']).default('fixed'),
    /** capacity mode: level k offers load.rate × factor^k, at most `levels` levels */
    capacity: z.strictObject({ factor: z.number().min(1.1).max(4).default(1.5), levels: int(2, MAX_LEVELS).default(5) }).optional(),
  })
  .refine((s) => s.mode !== 'capacity' || s.p99BudgetMs !== undefined, {
    message: 'capacity mode needs a p99 budget: the latency past which a rate is not sustained',
    path: ['p99BudgetMs'],
  })
  .refine((s) => s.mode !== 'capacity' || !s.load.replay, {
    message: 'capacity mode raises a synthetic rate; replay has its own (use replayMultiple)',
    path: ['load', 'replay'],
  })
  .refine((s) => s.vary.length < 2 || s.vary[0]!.setting !== s.vary[1]!.setting, {
    message: 'the two settings must differ',
    path: ['vary', 1, 'setting'],
  })
  .refine((s) => s.vary.reduce((n, v) => n * v.values.length, 1) <= MAX_EXPERIMENT_STEPS, {
    message: `at most ${MAX_EXPERIMENT_STEPS} steps (values of the first setting × values of the second)`,
    path: ['vary'],
  });

export type TuningLoad = z.infer<typeof tuningLoadSchema>;
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
export type SettingValue = number | string;

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'skipped'; // skipped: capacity mode, past the level this setting stopped at

export interface TuningStep {
  index: number;
  group: number; // which setting combination (TuningPoint.group): the same one in every round
  round: number; // 0-based; rounds interleave so drift on a shared machine hits every setting alike
  target: number; // msg/s asked of the load (capacity mode: this level's rate; replay: recorded rate × multiple)
  settings: Partial<Record<TuningSetting, SettingValue>>; // the varied settings' values in this step
  baseline: boolean; // today's settings (measured too, so ratios are from the same run)
  status: StepStatus;
  throughput: number; // successful msg/s in the measured window
  offered: number; // msg/s sent in the measured window
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number; // 0..1 of settled messages
  rejectionRate: number; // 0..1 refused by a full queue
  messages: number; // arrived in the measured window (only those count: a drained backlog is not throughput)
  answered: number; // of those, answered (result or agent error) before the drain deadline
  backlogGrowth: number; // outstanding messages at the window's end minus at its start
  keptUp: boolean; // answered at the target rate within tolerance, none rejected, backlog did not grow
  behind?: string; // why it did not keep up, in words
  rssBytes: number; // all workers together, at the end of the step
  loopLagMs: number; // the worst worker's gevent loop lag
  error?: string;
}

/** A figure over the rounds: its median and its spread (min..max). */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One setting combination at one target rate, over its rounds. */
export interface TuningPoint {
  group: number;
  settings: TuningStep['settings'];
  baseline: boolean;
  target: number;
  runs: number; // rounds measured
  keptUp: boolean; // in every round
  behind?: string; // why, from the first round that did not keep up
  throughput: Spread;
  p99Ms: Spread;
  p50Ms: number; // medians
  errorRate: number; // worst round
  rejectionRate: number; // worst round
  rssBytes: number;
}

/** The live pool's figures from its samples just before and while the experiment ran. */
export interface LiveCost {
  before: { throughput: number; p99Ms: number; samples: number };
  during: { throughput: number; p99Ms: number; samples: number };
}

export interface TuningRecommendation {
  step: number | null; // a step of the recommended setting combination (its first round); null: none qualified
  group?: number; // the recommended TuningPoint.group
  patch: { pool: Record<string, unknown> }; // for previewConfig / updateConfig; empty = keep today's settings
  reason: string;
  throughputRatio: number; // against the baseline step (0 when none qualified)
  /** the best value lies at the edge of the tried range: the next values worth trying */
  hint?: string;
}

export interface ReplaySummary {
  messages: number;
  spanMs: number;
  rate: number; // msg/s over the recorded span
  meanBytes: number;
  meanRunMs: number;
  errorRate: number;
}

export type ExperimentStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface Experiment {
  id: string;
  name: string;
  createdAt: number;
  finishedAt?: number;
  status: ExperimentStatus;
  spec: ExperimentSpec;
  current: Partial<Record<TuningSetting, SettingValue>>; // the live pool's values when it started
  p99BudgetMs?: number; // the budget used (given, or from the baseline)
  replay?: ReplaySummary; // the recorded traffic the steps replayed
  steps: TuningStep[];
  points?: TuningPoint[]; // the steps over their rounds (at the end)
  /** capacity mode: each setting combination's highest rate kept up within the budget (null: not even the first) */
  sustained?: { group: number; rate: number | null }[];
  liveCost?: LiveCost;
  kneeStep?: number; // where more of the setting stops paying
  recommendation?: TuningRecommendation;
  error?: { code: string; message: string };
}
