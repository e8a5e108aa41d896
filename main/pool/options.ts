// Pool option defaults and validation, derived from the one option table
// (common/pool-options-table.ts, shared with the config schema and the form).
// Every option is checked up front and a bad one throws ERR_INVALID_OPTION
// naming it (Piscina style), so a typo never turns into a half-configured pool.
import {
  JITTER_OF,
  MAX_TIMER_MS,
  POOL_OPTION_ENTRIES,
  POOL_OPTION_TABLE,
  POOL_RULES,
  optionProblem,
  type PoolOptionName,
} from '../../common/pool-options-table';
import { errors } from './errors';
import type { ExecuteOptions, PoolOptions } from './types';

export { MAX_TIMER_MS };

/** The table's defaults; entries without one (agentId, pythonPath, ...) are left unset. */
export const DEFAULT_OPTIONS: Readonly<PoolOptions> = Object.freeze(
  Object.fromEntries(
    POOL_OPTION_ENTRIES.flatMap(([name, spec]) => {
      if (!('default' in spec) || spec.default === undefined) return [];
      const d: unknown = spec.default;
      return [[name, Array.isArray(d) ? Object.freeze([...d]) : d]]; // a list default is not the table's own array
    }),
  ),
) as unknown as Readonly<PoolOptions>;

/** Changing one of these needs new worker processes (they are baked into the spawn). */
export const RESTART_FIELDS: ReadonlySet<keyof PoolOptions> = new Set(POOL_OPTION_ENTRIES.filter(([, s]) => s.restartsWorkers).map(([n]) => n));

const isOption = (key: string): key is PoolOptionName => Object.hasOwn(POOL_OPTION_TABLE, key);

/** A key that is not in the table is refused by name (typo guard); an undefined value means "not given". */
function refuseUnknown(o: object): void {
  for (const [key, v] of Object.entries(o)) if (v !== undefined && !isOption(key)) throw errors.invalidOption(key, 'is not a pool option');
}

/** Throws ERR_INVALID_OPTION for the first bad option; `o` is a complete option set. */
export function validateOptions(o: PoolOptions): void {
  refuseUnknown(o);
  const rec = o as Record<string, unknown>;
  for (const [name, spec] of POOL_OPTION_ENTRIES) {
    const v = rec[name];
    if (v === undefined && !('default' in spec)) continue; // optional and unset
    const problem = optionProblem(spec, v);
    if (problem) throw errors.invalidOption(name, problem);
  }
  for (const rule of POOL_RULES) {
    if (!rule.holds(o)) throw errors.invalidOption(rule.option, `${rule.why} (${rule.uses.map((k) => `${k} ${String(rec[k])}`).join(', ')})`);
  }
}

function copyDefaults(): PoolOptions {
  const o = { ...DEFAULT_OPTIONS } as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) if (Array.isArray(v)) o[k] = [...v]; // the frozen defaults stay untouched
  return o as unknown as PoolOptions;
}

/** Defaults + overrides, validated. Jitters default to 10 % of their base when not given. */
export function resolveOptions(partial: Partial<PoolOptions> = {}): PoolOptions {
  if (typeof partial !== 'object' || partial === null) throw errors.invalidOption('options', 'must be an object');
  // Before merging: assigning an own "__proto__" key (JSON.parse makes one) would set the prototype, not an option.
  refuseUnknown(partial);
  const merged = copyDefaults();
  const rec = merged as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) rec[k] = v;
  for (const [jitter, base] of Object.entries(JITTER_OF) as [PoolOptionName, PoolOptionName][]) {
    const b = rec[base];
    if (partial[jitter] === undefined && typeof b === 'number') rec[jitter] = Math.round(b / 10);
  }
  validateOptions(merged);
  return merged;
}

/** Current options with `patch` applied, validated as a whole. Returns the new set and the changed keys. */
export function mergeOptions(current: PoolOptions, patch: Partial<PoolOptions>): { next: PoolOptions; changed: (keyof PoolOptions)[] } {
  if (typeof patch !== 'object' || patch === null) throw errors.invalidOption('options', 'must be an object');
  refuseUnknown(patch);
  const next = { ...current } as PoolOptions;
  const rec = next as unknown as Record<string, unknown>;
  const changed: (keyof PoolOptions)[] = [];
  for (const [k, v] of Object.entries(patch) as [PoolOptionName, unknown][]) {
    if (v === undefined) continue;
    if (JSON.stringify(rec[k]) !== JSON.stringify(v)) changed.push(k);
    rec[k] = v;
  }
  validateOptions(next);
  return { next, changed };
}

/** Per-call execute() options: [name, why] of the first bad one, or null. */
export function badExecuteOption(o: ExecuteOptions): [string, string] | null {
  if (o.timeout !== undefined && !(Number.isInteger(o.timeout) && o.timeout > 0))
    return ['timeout', `must be a positive integer (ms), got ${String(o.timeout)}`];
  if (o.queueTimeout !== undefined && !(Number.isInteger(o.queueTimeout) && o.queueTimeout >= 0)) {
    return ['queueTimeout', `must be an integer >= 0 (ms), got ${String(o.queueTimeout)}`];
  }
  return null;
}
