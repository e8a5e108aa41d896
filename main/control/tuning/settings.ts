// From an experiment spec to steps: the grid of values, today's values (the
// baseline), each step's pool options and the config patch that would apply
// a step. `workers` means a fixed-size pool during a step (the scaler would
// otherwise change the very thing being measured).
import type { ConfigIssue } from '../../../common/contract';
import type { AppConfig, ConfigPatch } from '../../../common/schemas';
import type { ExperimentSpec, SettingValue, TuningSetting, TuningStep } from '../../../common/tuning';
import type { PoolOptions } from '../../pool/index';
import { mergePatch, validateConfig } from '../config/config-store';

export type StepSettings = TuningStep['settings'];

/** How many workers the live pool runs now, within its configured bounds. */
export const currentWorkers = (config: AppConfig, liveWorkers: number) =>
  Math.min(config.pool.maxWorkers, Math.max(config.pool.minWorkers, liveWorkers));

/** The live pool's value of each varied setting. */
export function currentValues(spec: ExperimentSpec, config: AppConfig, liveWorkers: number): StepSettings {
  const out: StepSettings = {};
  for (const { setting } of spec.vary)
    out[setting] = setting === 'workers' ? currentWorkers(config, liveWorkers) : (config.pool[setting] as SettingValue);
  return out;
}

/** Every combination, first setting outermost; today's combination first when it is not in the grid. */
export function stepGrid(spec: ExperimentSpec, current: StepSettings): { settings: StepSettings; baseline: boolean }[] {
  let grid: StepSettings[] = [{}];
  for (const { setting, values } of spec.vary) grid = grid.flatMap((g) => values.map((v) => ({ ...g, [setting]: v })));
  const isToday = (s: StepSettings) => spec.vary.every(({ setting }) => String(s[setting]) === String(current[setting]));
  const steps = grid.map((settings) => ({ settings, baseline: isToday(settings) }));
  if (!steps.some((s) => s.baseline)) steps.unshift({ settings: { ...current }, baseline: true });
  return steps;
}

/** The pool-section patch that gives a pool these settings. */
export function poolPatch(settings: StepSettings, config: AppConfig): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings) as [TuningSetting, SettingValue][]) {
    if (k === 'workers') {
      patch.minWorkers = v;
      // keep the operator's headroom for scaling up; only raise the ceiling when needed
      patch.maxWorkers = Math.max(Number(v), config.pool.maxWorkers);
    } else patch[k] = v;
  }
  return patch;
}

/** Options of a step's throw-away pool: today's options with the step's settings, at a fixed size. */
export function stepOptions(settings: StepSettings, base: Partial<PoolOptions>, currentWorkers: number): Partial<PoolOptions> {
  const opts: Partial<PoolOptions> = { ...base };
  let workers = currentWorkers;
  for (const [k, v] of Object.entries(settings) as [TuningSetting, SettingValue][]) {
    if (k === 'workers') workers = Number(v);
    else (opts as Record<string, unknown>)[k] = v;
  }
  opts.minWorkers = workers;
  opts.maxWorkers = workers;
  return opts;
}

/**
 * Every value is checked by the config schema before any pool starts, so a
 * bad one is refused with its field named (vary.0.values: pool.concurrencyPerWorker …).
 */
export function checkValues(spec: ExperimentSpec, config: AppConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  spec.vary.forEach(({ setting, values }, i) => {
    for (const v of values) {
      const patch: ConfigPatch = { pool: poolPatch({ [setting]: v }, config) };
      const r = validateConfig(mergePatch(config, patch));
      if (!r.ok)
        for (const issue of r.issues) issues.push({ path: `spec.vary.${i}.values`, message: `${JSON.stringify(v)}: ${issue.path} ${issue.message}` });
    }
  });
  return issues;
}
