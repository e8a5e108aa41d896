// One settings change, worked out once. The diff between the current and the next config is
// what the preview shows, what the live pool is patched with (its pool.* entries) and what
// decides which fields need a worker restart, so the three can never disagree.
import type { ConfigDiffEntry } from '../../../common/contract';
import type { AppConfig, ConfigPatch } from '../../../common/schemas';
import type { PoolOptions } from '../../pool/index';
import { validationError } from '../api-error';
import { diffConfig, mergePatch, validateConfig } from './config-store';
import { toPoolOptions, type RuntimeContext } from './pool-options';
import { withoutRedactedSecrets } from './secrets';

// Pool options that decide what a worker process loads.
const LAUNCH_KEYS = ['agent', 'pythonPath', 'pythonPaths'] as const;

export interface ConfigChange {
  next: AppConfig;
  diff: ConfigDiffEntry[];
  /** The next config as engine options (converted once). */
  nextOptions: Partial<PoolOptions>;
  /** The pool options named by the diff, with their next values: what pool.updateConfig gets. */
  poolPatch: Partial<PoolOptions>;
  /** Diff paths that take effect only when workers restart; the rest apply live. */
  restartRequired: string[];
  applied: string[];
  /** The first launch setting (agent, interpreter, PYTHONPATH) the change touches, if any. */
  launchKey: (typeof LAUNCH_KEYS)[number] | undefined;
}

export type ConfigChangeResult = { ok: true; change: ConfigChange } | { ok: false; issues: Array<{ path: string; message: string }> };

/**
 * The transports' schema already refuses `python` in a patch; this also covers in-process
 * callers of the handlers, so the allow-list changes only through config.json.
 */
export function refuseAllowListPatch(patch: ConfigPatch): void {
  if (Object.prototype.hasOwnProperty.call(patch, 'python')) {
    throw validationError([
      { path: 'python', message: 'python.allowedInterpreters and python.allowedAgentPaths are set in config.json only, not over the API' },
    ]);
  }
}

/** Validates the merged whole and derives everything the change needs from its one diff. */
export function planConfigChange(current: AppConfig, patch: ConfigPatch, ctx: RuntimeContext): ConfigChangeResult {
  refuseAllowListPatch(patch);
  const v = validateConfig(mergePatch(current, withoutRedactedSecrets(patch)));
  if (!v.ok) return { ok: false, issues: v.issues };
  const diff = diffConfig(current, v.config);
  const nextOptions = toPoolOptions(v.config, ctx);
  const poolPatch: Record<string, unknown> = {};
  for (const d of diff) {
    const [section, key] = d.path.split('.') as [string, keyof PoolOptions];
    // config.pool's keys are the engine's option names (toPoolOptions spreads them); a key the
    // conversion drops (cleared optional) is left to the engine's own default, as before.
    if (section === 'pool' && key in nextOptions) poolPatch[key] = nextOptions[key];
  }
  const restartRequired = diff.filter((d) => d.restartRequired).map((d) => d.path);
  return {
    ok: true,
    change: {
      next: v.config,
      diff,
      nextOptions,
      poolPatch: poolPatch as Partial<PoolOptions>,
      restartRequired,
      applied: diff.map((d) => d.path).filter((p) => !restartRequired.includes(p)),
      launchKey: LAUNCH_KEYS.find((k) => k in poolPatch),
    },
  };
}
