// The config schema's pool section, derived from the option table
// (common/pool-options-table.ts): one zod type per entry, its default, and the
// table's cross-option rules as refinements. Imports only zod and the table.
import { z } from 'zod';
import {
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

const int = (min: number) => z.number().int().min(min);

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

// Built from common/pool-options-table.ts; the cast gives it the table's types (PoolConfig).
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
