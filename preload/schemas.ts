// Config schema: the single source of truth for every setting the operator can
// change. The control plane validates with it, the renderer validates inline
// with it, and the transports parse inputs with it. Imports only zod and the engine's pure
// retry policy (so the retry bound below is the pool's own formula, not a copy).
import { z } from 'zod';
import { maxDelay } from '../main/pool/retry-policy';

const int = (min: number) => z.number().int().min(min);
// Node timers hold at most 2^31-1 ms (~24.8 days); a longer delay silently fires after 1 ms
// (a sampler every millisecond, workers recycled in a loop), so durations stop there.
export const MAX_TIMER_MS = 2_147_483_647;
const msFrom = (min: number) => int(min).max(MAX_TIMER_MS);
const ms = msFrom(0);

export const STRATEGY_NAMES = ['round-robin', 'least-busy', 'random', 'p2c-ewma'] as const;

export const poolConfigSchema = z
  .strictObject({
    minWorkers: int(1).default(2),
    maxWorkers: int(1).max(64).default(10),
    loadBalancingStrategy: z.enum(STRATEGY_NAMES).default('round-robin'),
    messageQueueSize: int(1).default(100),
    maxRetries: int(0).max(20).default(3),
    retryDelay: ms.default(1000),
    healthCheckInterval: msFrom(100).default(30_000),
    healthCheckTimeout: msFrom(100).default(5_000),
    restartOnFailure: z.boolean().default(true),
    workerRecycleInterval: ms.default(3_600_000),
    workerRecycleJitter: ms.default(360_000),
    maxMessagesPerWorker: int(0).default(10_000),
    maxMessagesJitter: int(0).default(1_000),
    maxWorkerMemoryMB: int(0).default(0),
    timeout: msFrom(1).default(30_000),
    queueTimeout: ms.default(0),
    concurrencyPerWorker: int(1).max(100_000).default(100),
    workerQueueSize: int(0).default(100),
    scaleUpQueueThreshold: int(1).default(1),
    idleTimeout: ms.default(30_000),
    drainTimeout: ms.default(30_000),
    pythonPath: z.string().min(1).optional(),
    agent: z
      .string()
      .regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/, 'must look like "package.module:ClassName"')
      .default('echo_agent:EchoAgent'),
    agentId: z.string().min(1).optional(),
    capabilities: z.array(z.string().min(1)).optional(),
    pythonPaths: z.array(z.string().min(1)).default([]),
  })
  .refine((p) => p.minWorkers <= p.maxWorkers, {
    message: 'minWorkers must not exceed maxWorkers',
    path: ['minWorkers'],
  })
  // The pool arms these as one timer each: the recycle age with its jitter, the last retry's backoff.
  // (zod still runs these when a field failed its own check: judge only values that passed it)
  .refine((p) => p.workerRecycleInterval > MAX_TIMER_MS || p.workerRecycleJitter > MAX_TIMER_MS || p.workerRecycleInterval + p.workerRecycleJitter <= MAX_TIMER_MS, {
    message: `workerRecycleInterval + workerRecycleJitter must not exceed ${MAX_TIMER_MS} ms (~24.8 days)`,
    path: ['workerRecycleInterval'],
  })
  .refine((p) => !(p.maxRetries >= 1 && p.maxRetries <= 20 && p.retryDelay <= MAX_TIMER_MS) || maxDelay(p.maxRetries, p.retryDelay) <= MAX_TIMER_MS, {
    message: `retryDelay doubled for each of maxRetries retries (retryDelay × 2^maxRetries) must stay under ${MAX_TIMER_MS} ms (~24.8 days)`,
    path: ['retryDelay'],
  });

export const alertThresholdsSchema = z.strictObject({
  // critical
  noHealthyWorkers: z.boolean().default(true),
  errorRatePct: z.number().min(0).max(100).default(10),
  // the error-rate alert needs at least this many finished messages in a sampling interval to
  // count as a breach: at low traffic 1 failure out of 1 is 100 % and would flap
  errorRateMinMessages: int(0).default(20),
  avgResponseTimeMs: z.number().min(0).default(5_000),
  // warning
  availableWorkersPct: z.number().min(0).max(100).default(20),
  workerAgeHours: z.number().min(0).default(8),
  queueFillPct: z.number().min(0).max(100).default(80),
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
});

export const appConfigSchema = z.strictObject({
  pool: poolConfigSchema.prefault({}),
  alerts: alertThresholdsSchema.prefault({}),
  sampling: samplingSchema.prefault({}),
  a2a: a2aSchema.prefault({}),
  python: pythonSettingsSchema.prefault({}),
});

export type PoolConfig = z.infer<typeof poolConfigSchema>;
export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;
export type SamplingConfig = z.infer<typeof samplingSchema>;
export type A2AConfig = z.infer<typeof a2aSchema>;
export type PythonSettings = z.infer<typeof pythonSettingsSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;

// A patch is any subset of the config, section by section; it is merged
// over the current config and the merged whole is validated.
// JSON.parse keeps a "__proto__" key as an own key, but zod's record skips it without an issue:
// a patch would lose that field silently. Refuse it by name before the record sees it.
const sectionPatch = z.preprocess((value, ctx) => {
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
    ctx.issues.push({ code: 'custom', message: '"__proto__" is not a setting; refused', input: value, path: ['__proto__'] });
  }
  return value;
}, z.record(z.string(), z.unknown()));

export const configPatchSchema = z.strictObject({
  pool: sectionPatch.optional(),
  alerts: sectionPatch.optional(),
  sampling: sectionPatch.optional(),
  a2a: sectionPatch.optional(),
  python: z
    .custom<never>(() => false, { message: 'python.allowedInterpreters is set in config.json only, not over the API' })
    .optional(),
});
export type ConfigPatch = z.infer<typeof configPatchSchema>;

export const defaultConfig = (): AppConfig => appConfigSchema.parse({});
