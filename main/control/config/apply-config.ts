// A settings change applied to the running control plane: planned once (config-change.ts),
// checked against the allow-lists and on a throw-away worker, handed to the live pool, saved,
// and told to the operator's trail and every UI client. PlaneCore.updateConfig is the door.
import type { ConfigUpdateResult } from '../../../common/contract';
import type { ConfigPatch } from '../../../common/schemas';
import { ApiError, asValidationError, validationError } from '../api-error';
import type { PlaneCore } from '../core';
import { via, type Door } from '../observation/trail';
import { checkSelectableAgentPaths } from '../python/agent-path-guard';
import { checkSelectableInterpreter } from '../python/interpreter-guard';
import { validateAgent } from './agent-validate';
import { planConfigChange, type ConfigChange } from './config-change';
import { saveConfig } from './config-store';
import { redactConfig } from './secrets';

/** What applying a change reads and changes on the plane. */
type Plane = Pick<
  PlaneCore,
  | 'config'
  | 'ctx'
  | 'pool'
  | 'alerts'
  | 'sampler'
  | 'historyFile'
  | 'emitter'
  | 'running'
  | 'log'
  | 'exclusive'
  | 'startPool'
  | 'allowedPythons'
  | 'allowedAgentPaths'
>;

/** Applies `patch` (see applyConfig), with a refusal logged (the fields named) for the operator's trail. */
export function applyConfigPatch(plane: Plane, patch: ConfigPatch, door: Door): Promise<ConfigUpdateResult> {
  return applyConfig(plane, patch, door).catch((err: unknown) => {
    const e = err as { code?: string; message?: string; issues?: Array<{ path: string; message: string }> };
    if (e?.code !== 'ERR_CONFIG_NOT_SAVED') {
      const fields = e?.issues?.map((i) => i.path) ?? [];
      const why = e?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') || e?.message || String(err);
      plane.log({ type: 'config.refused', level: 'warn', message: `Settings refused ${via(door)}: ${why}`, data: { fields, code: e?.code, door } });
    }
    throw err;
  });
}

/**
 * A change to what workers launch (agent, interpreter, PYTHONPATH) is tried on a
 * throw-away worker first: an import error is refused with its real text, and
 * neither the running pool nor the saved config changes.
 */
async function checkLaunch({ launchKey, nextOptions: opts }: ConfigChange, runtimeDir: string | undefined): Promise<void> {
  if (!launchKey || !opts.agent) return;
  const r = await validateAgent({ agent: opts.agent, pythonPath: opts.pythonPath, pythonPaths: opts.pythonPaths, runtimeDir });
  if (!r.ok) throw validationError([{ path: `pool.${launchKey}`, message: r.errorText ?? 'the agent could not be started' }]);
}

/** Validates the merged whole (nothing applied when invalid), applies live, persists. */
function applyConfig(plane: Plane, patch: ConfigPatch, door: Door): Promise<ConfigUpdateResult> {
  return plane.exclusive(async () => {
    const plan = planConfigChange(plane.config, patch, plane.ctx);
    if (!plan.ok) throw validationError(plan.issues);
    const change = plan.change;
    const { next, diff, applied, restartRequired } = change;
    if (diff.length === 0) return { config: plane.config, applied: [], restartRequired: [] };
    // A new interpreter from the API: allow-listed, a regular file, answers as Python — before anything runs it.
    if (next.pool.pythonPath && next.pool.pythonPath !== plane.config.pool.pythonPath) {
      await checkSelectableInterpreter(next.pool.pythonPath, 'pool.pythonPath', plane.allowedPythons());
    }
    checkSelectableAgentPaths(next.pool.pythonPaths, 'pool.pythonPaths', plane.allowedAgentPaths());
    await checkLaunch(change, plane.ctx.runtimeDir);
    const poolChanged = Object.keys(change.poolPatch).length > 0;
    if (poolChanged) patchPool(plane, change);
    const previous = plane.config;
    plane.config = next;
    plane.alerts.setThresholds(next.alerts);
    plane.sampler.setInterval(next.sampling.intervalMs);
    if (next.sampling.persistIntervalMs !== previous.sampling.persistIntervalMs) plane.historyFile.schedule(next.sampling.persistIntervalMs);
    // The change is live by now: a failed save (disk full, read-only data dir) must not hide that
    // from the UI (config.changed) nor pass for "nothing changed" (a bare fs error).
    const saveError = await saveConfig(plane.ctx.dataDir, next).then(
      () => undefined,
      (err: Error) => err,
    );
    plane.log({
      type: 'config.changed',
      level: 'info',
      message: `Settings changed ${via(door)}: ${diff.map((d) => d.path).join(', ')}`,
      data: { applied, restartRequired, door },
    });
    plane.emitter.emit('config.changed', redactConfig(next)); // events reach every UI client
    const notSaved =
      saveError &&
      `Settings are applied to the running pool but could not be saved to config.json (${saveError.message}); they will be lost when the app restarts`;
    if (notSaved) plane.log({ type: 'config.warning', level: 'error', message: notSaved });
    // A pool that never started (Python missing, bad agent) gets another try with the new settings.
    if (!plane.running && poolChanged) await plane.startPool();
    if (notSaved) throw new ApiError('ERR_CONFIG_NOT_SAVED', notSaved, undefined, { applied, restartRequired });
    return { config: next, applied, restartRequired };
  });
}

/** Hands the diff's pool entries to the live pool; the rolling restart's outcome is logged when it ends. */
function patchPool(plane: Plane, { poolPatch }: ConfigChange): void {
  try {
    const change = plane.pool.updateConfig(poolPatch);
    const fields = change.restartRequired.join(', ');
    void change.done.then((r) => {
      if (r.error)
        plane.log({
          type: 'pool.config',
          level: 'error',
          message: `Restarting workers for ${fields} stopped: ${r.error.message}; the old workers keep serving`,
        });
      else if (r.recycled > 0) plane.log({ type: 'pool.config', level: 'info', message: `${r.recycled} workers restarted for: ${fields}` });
    });
  } catch (err) {
    throw asValidationError(err, 'pool.');
  }
}
