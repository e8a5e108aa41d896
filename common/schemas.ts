// Config schema: the single source of truth for every setting the operator can
// change. The control plane validates with it, the renderer validates inline
// with it, and the transports parse inputs with it. Imports only zod and the
// pool option table.
import { z } from 'zod';
import { MAX_TIMER_MS, type PoolConfig } from './pool-options-table';
import { poolConfigSchema } from './pool-schema';

// The pool section is derived from the option table (common/pool-options-table.ts).
export { MAX_TIMER_MS, type PoolConfig };
export { missedPoolRuleIssues, poolConfigSchema, poolOptionSchema } from './pool-schema';

const int = (min: number) => z.number().int().min(min);
// Node timers hold at most 2^31-1 ms (~24.8 days); a longer delay silently fires after 1 ms
// (a sampler every millisecond, workers recycled in a loop), so durations stop there.
const msFrom = (min: number) => int(min).max(MAX_TIMER_MS);

export const alertThresholdsSchema = z.strictObject({
  // critical
  noHealthyWorkers: z.boolean().default(true),
  errorRatePct: z.number().min(0).max(100).default(10),
  // the error-rate alert needs at least this many finished messages in a sampling interval to
  // count as a breach: at low traffic 1 failure out of 1 is 100 % and would flap
  errorRateMinMessages: int(0).default(20),
  avgResponseTimeMs: z.number().min(0).default(5_000),
  // warning
  // share of messages refused at the door (full queue, pool closed) in a sampling interval: the
  // pool is past its capacity; a figure of its own, never folded into the error rate
  rejectionRatePct: z.number().min(0).max(100).default(5),
  rejectionRateMinMessages: int(0).default(20),
  availableWorkersPct: z.number().min(0).max(100).default(20),
  workerAgeHours: z.number().min(0).default(8),
  queueFillPct: z.number().min(0).max(100).default(80),
  // from pool events (main/control/observation/event-alerts.ts): worker restarts after failures within a
  // minute (0 = off), poison messages within 10 minutes (0 = off), a worker in a crash loop
  restartsPerMinute: int(0).default(3),
  poisonMessages: int(0).default(1),
  crashLoop: z.boolean().default(true),
  // an alert clears only once the value is back past the threshold by this share of it
  hysteresisPct: z.number().min(0).max(100).default(10),
  // consecutive samples over the threshold before an alert is raised
  raiseAfterSamples: int(1).default(2),
  desktopNotifications: z.boolean().default(true),
});

export const samplingSchema = z.strictObject({
  intervalMs: msFrom(100).default(1_000),
  persistIntervalMs: msFrom(1_000).default(30_000),
});

export const a2aSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0).max(65_535).default(0), // desktop app only; 0 = pick a free port
  token: z.string().min(8).optional(), // else the control center's token
  name: z.string().min(1).default('Greenlet Agent Pool'),
});

// Interpreters the API may select (pool.pythonPath, checkPythonEnv {pythonPath}), besides the
// project/app venvs, GREENLET_PYTHON and the default python3, which are always allowed. Set in
// config.json only: a config patch cannot change it (see configPatchSchema), so whoever holds the
// API token cannot widen what the server will run.
export const pythonSettingsSchema = z.strictObject({
  allowedInterpreters: z.array(z.string().min(1)).default([]),
  // Folders the API may put on the workers' PYTHONPATH (pool.pythonPaths): main/control/python/agent-path-guard.ts.
  allowedAgentPaths: z.array(z.string().min(1)).default([]),
});

export const appConfigSchema = z.strictObject({
  pool: poolConfigSchema.prefault({}),
  alerts: alertThresholdsSchema.prefault({}),
  sampling: samplingSchema.prefault({}),
  a2a: a2aSchema.prefault({}),
  python: pythonSettingsSchema.prefault({}),
});

export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;
export type SamplingConfig = z.infer<typeof samplingSchema>;
export type A2AConfig = z.infer<typeof a2aSchema>;
export type PythonSettings = z.infer<typeof pythonSettingsSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;

// A patch is any subset of the config, section by section; it is merged
// over the current config and the merged whole is validated.
// JSON.parse keeps a "__proto__" key as an own key, but zod's record skips it without an issue:
// a patch would lose that field silently. Refuse it by name before the record sees it.
const sectionPatch = z.preprocess(
  (value, ctx) => {
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
      ctx.issues.push({ code: 'custom', message: '"__proto__" is not a setting; refused', input: value, path: ['__proto__'] });
    }
    return value;
  },
  z.record(z.string(), z.unknown()),
);

export const configPatchSchema = z.strictObject({
  pool: sectionPatch.optional(),
  alerts: sectionPatch.optional(),
  sampling: sectionPatch.optional(),
  a2a: sectionPatch.optional(),
  python: z
    .custom<never>(() => false, { message: 'python.allowedInterpreters and python.allowedAgentPaths are set in config.json only, not over the API' })
    .optional(),
});
export type ConfigPatch = z.infer<typeof configPatchSchema>;

export const defaultConfig = (): AppConfig => appConfigSchema.parse({});
