// Config schema: the single source of truth for every setting the operator can
// change. The control plane validates with it, the renderer validates inline
// with it, and the transports parse inputs with it. Imports only zod.
import { z } from 'zod';
import {
  MAX_TIMER_MS,
  POOL_OPTION_ENTRIES,
  POOL_OPTION_TABLE,
  POOL_RULES,
  STRATEGIES,
  optionProblem,
  type OptionSpec,
  type PoolConfig,
  type PoolOptionName,
  type PoolOptions,
  type PoolRule,
} from './pool-options-table';

export { MAX_TIMER_MS, type PoolConfig };

const int = (min: number) => z.number().int().min(min);
// Node timers hold at most 2^31-1 ms (~24.8 days); a longer delay silently fires after 1 ms
// (a sampler every millisecond, workers recycled in a loop), so durations stop there.
const msFrom = (min: number) => int(min).max(MAX_TIMER_MS);

/** One pool option's zod type, from its entry in the option table (no default). */
export function poolOptionSchema<K extends PoolOptionName>(name: K): z.ZodType<Exclude<PoolOptions[K], undefined>> {
  const spec: OptionSpec = POOL_OPTION_TABLE[name];
  return zodFor(spec) as unknown as z.ZodType<Exclude<PoolOptions[K], undefined>>;
}

function zodFor(spec: OptionSpec): z.ZodType {
  switch (spec.type) {
    case 'int':
      return spec.max === undefined ? int(spec.min) : int(spec.min).max(spec.max);
    case 'bool':
      return z.boolean();
    case 'strategy':
      return z.enum(STRATEGIES);
    case 'text':
      return spec.pattern ? z.string().regex(spec.pattern.re, spec.pattern.says) : z.string().min(1);
    case 'list':
      return z.array(z.string().min(1));
    case 'env':
      return z.record(z.string(), z.string());
  }
}

function withDefault(t: z.ZodType, spec: OptionSpec): z.ZodType {
  if (!('default' in spec) || spec.default === undefined) return t.optional();
  const d: unknown = spec.default;
  // a fresh array per parse: a shared default would be one object across configs
  return t.default((Array.isArray(d) ? () => [...d] : d) as never);
}

/** Whether each option a rule uses passed its own check (zod still runs refinements after some failures). */
const usable = (rule: PoolRule, p: Record<string, unknown>) => rule.uses.every((k) => optionProblem(POOL_OPTION_TABLE[k], p[k]) === null);

function buildPoolSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of POOL_OPTION_ENTRIES) if (!spec.engineOnly) shape[name] = withDefault(zodFor(spec), spec);
  let schema = z.strictObject(shape);
  for (const rule of POOL_RULES) {
    schema = schema.refine((p) => !usable(rule, p) || rule.holds(p as PoolConfig), { message: `${rule.option} ${rule.why}`, path: [rule.option] });
  }
  return schema;
}

// Built from preload/pool-options-table.ts; the cast gives it the table's types (PoolConfig).
export const poolConfigSchema = buildPoolSchema() as unknown as z.ZodType<PoolConfig, Partial<PoolConfig>>;

/** Cross-option rules a parse did not report: zod skips refinements once a field failed its type check. */
export function missedPoolRuleIssues(pool: unknown, reported: ReadonlySet<string>): { path: string; message: string }[] {
  if (typeof pool !== 'object' || pool === null) return [];
  const p = pool as Record<string, unknown>;
  return POOL_RULES.filter((r) => !reported.has(r.option) && usable(r, p) && !r.holds(p as PoolConfig)).map((r) => ({
    path: r.option,
    message: `${r.option} ${r.why}`,
  }));
}

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

export const appConfigSchema = z.strictObject({
  pool: poolConfigSchema.prefault({}),
  alerts: alertThresholdsSchema.prefault({}),
  sampling: samplingSchema.prefault({}),
  a2a: a2aSchema.prefault({}),
});

export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;
export type SamplingConfig = z.infer<typeof samplingSchema>;
export type A2AConfig = z.infer<typeof a2aSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;

// A patch is any subset of the config, section by section; it is merged
// over the current config and the merged whole is validated.
export const configPatchSchema = z.strictObject({
  pool: z.record(z.string(), z.unknown()).optional(),
  alerts: z.record(z.string(), z.unknown()).optional(),
  sampling: z.record(z.string(), z.unknown()).optional(),
  a2a: z.record(z.string(), z.unknown()).optional(),
});
export type ConfigPatch = z.infer<typeof configPatchSchema>;

export const defaultConfig = (): AppConfig => appConfigSchema.parse({});
