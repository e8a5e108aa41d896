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
});

export const experimentSpecSchema = z
  .strictObject({
    name: z.string().max(100).optional(),
    vary: z
      .array(
        z.strictObject({
          setting: z.enum(TUNING_SETTINGS),
          values: z.array(z.union([z.number(), z.string().min(1)])).min(1).max(12),
        }),
      )
      .min(1)
      .max(2),
    load: tuningLoadSchema,
    warmupMs: int(0, 60_000).default(1_000),
    measureMs: int(500, 300_000).default(3_000),
    /** p99 a recommendation may not exceed; default: today's p99 plus 10 % */
    p99BudgetMs: z.number().positive().optional(),
  })
  .refine((s) => s.vary.length < 2 || s.vary[0]!.setting !== s.vary[1]!.setting, { message: 'the two settings must differ', path: ['vary', 1, 'setting'] })
  .refine((s) => s.vary.reduce((n, v) => n * v.values.length, 1) <= MAX_EXPERIMENT_STEPS, {
    message: `at most ${MAX_EXPERIMENT_STEPS} steps (values of the first setting × values of the second)`,
    path: ['vary'],
  });

export type TuningLoad = z.infer<typeof tuningLoadSchema>;
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
export type SettingValue = number | string;

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface TuningStep {
  index: number;
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
  messages: number; // settled in the measured window
  rssBytes: number; // all workers together, at the end of the step
  loopLagMs: number; // the worst worker's gevent loop lag
  error?: string;
}

export interface TuningRecommendation {
  step: number | null; // null: no step qualified (the reason says why)
  patch: { pool: Record<string, unknown> }; // for previewConfig / updateConfig; empty = keep today's settings
  reason: string;
  throughputRatio: number; // against the baseline step (0 when none qualified)
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
  kneeStep?: number; // where more of the setting stops paying
  recommendation?: TuningRecommendation;
  error?: { code: string; message: string };
}
