// One async handler per contract method. Inputs arrive parsed by the
// transport; handlers throw ApiError (or pass an engine PoolError through).
import type { ApiHandlers, ConfigUpdateResult, TaskResult } from '../../../common/contract';
import { ApiError, validationError } from '../api-error';
import type { PlaneCore } from '../core';
import { clusterHandlers } from './cluster';
import { pythonHandlers } from './python';
import { redactConfig, redactDiff } from '../config/secrets';
import { tuningHandlers } from './tuning';
import { loadFits } from '../tuning/limits';
import { DEFAULT_SNAPSHOT_RANGE_MS, snapshotCsv, snapshotJson } from '../observation/snapshot';

const LEAVING = new Set(['draining', 'stopping', 'exited']);

export function createHandlers(core: PlaneCore): ApiHandlers {
  const findWorker = (id: string) => core.pool.getDetailedStats().workers.find((w) => w.id === id);

  const handlers: ApiHandlers = {
    getAppInfo: async () => ({ ...core.appInfo }),
    // Secrets never leave through the API (config/secrets.ts): a set token reads as "<redacted>".
    getConfig: async () => redactConfig(core.config),
    updateConfig: async ({ patch }) => redactResult(await core.updateConfig(patch)),
    previewConfig: async ({ patch }) => {
      const preview = core.previewConfig(patch);
      return { ...preview, diff: redactDiff(preview.diff) };
    },
    getStats: async () => core.pool.getStats(),
    getDetailedStats: async () => core.pool.getDetailedStats(),
    getMetricsHistory: async ({ rangeMs, maxPoints }) => core.history.query(rangeMs, core.now(), maxPoints),
    getAlerts: async () => core.alerts.view(),
    getEvents: async (q) => core.events.query(q),

    recycleWorker: async ({ workerId }) => {
      const worker = findWorker(workerId);
      if (!worker) throw new ApiError('ERR_NOT_FOUND', `No worker with id ${workerId}`, undefined, { workerId });
      const conflict = () => new ApiError('ERR_CONFLICT', `Worker ${workerId} is already ${worker.state === 'exited' ? 'gone' : 'being replaced'}`, undefined, { workerId, state: worker.state });
      if (LEAVING.has(worker.state)) throw conflict();
      try {
        await core.pool.recycleWorker(workerId);
      } catch (err) {
        // it started retiring between the check and the call (recycle by age, memory, count)
        if ((err as { code?: string }).code === 'ERR_INVALID_OPTION') throw conflict();
        throw err;
      }
      return { recycled: workerId };
    },
    recycleAll: async () => ({ recycled: await core.pool.recycleAll('manual') }),
    restartPool: async () => {
      await core.restartPool();
      return { ok: true };
    },
    scale: async ({ minWorkers, maxWorkers }) => redactResult(await core.updateConfig({ pool: { minWorkers, maxWorkers } })),

    submitTask: async ({ data, timeoutMs }) => {
      if (core.cluster) {
        const o = await core.cluster.executor.execute(data, timeoutMs === undefined ? {} : { timeout: timeoutMs });
        return { result: o.result, workerId: `${o.hostId}/${o.workerId ?? '?'}`, latencyMs: o.latencyMs, queueWaitMs: 0, attempts: o.delivery };
      }
      try {
        const o = await core.pool.executeWithInfo({ type: 'agent.process', data }, timeoutMs === undefined ? {} : { timeout: timeoutMs });
        const result: TaskResult = { result: o.result, workerId: o.workerId, latencyMs: o.latencyMs, queueWaitMs: o.queueWaitMs, attempts: o.attempts };
        return result;
      } catch (err) {
        // A pool that never started answers "not connected"; the operator needs the reason it did not start.
        if ((err as { code?: string }).code === 'ERR_NOT_CONNECTED' && !core.running && core.startError) {
          throw new ApiError('ERR_START_FAILED', core.startError);
        }
        throw err;
      }
    },
    startLoad: async (spec) => {
      // a load whose outstanding payloads cannot fit would run this process out of heap (issue 17)
      const issue = loadFits(core.pool.opts, spec.payloadBytes, 'payloadBytes', 'This load on the live pool');
      if (issue) throw validationError([issue]);
      return core.load.start(spec);
    },
    stopLoad: async () => core.load.stop(),
    getLoadStatus: async () => core.load.get(),

    exportSnapshot: async ({ format, rangeMs }) => {
      const now = core.now();
      const range = rangeMs ?? DEFAULT_SNAPSHOT_RANGE_MS;
      const history = core.history.query(range, now);
      if (format === 'csv') return snapshotCsv(history, now);
      const detailedStats = core.pool.getDetailedStats();
      const { workers: _workers, ...stats } = detailedStats;
      return snapshotJson(
        { exportedAt: new Date(now).toISOString(), app: { ...core.appInfo }, config: redactConfig(core.config), stats, detailedStats, historyRangeMs: range, history, alerts: core.alerts.view(), ...(core.cluster ? { hosts: core.cluster.view() } : {}) },
        now,
      );
    },

    ...pythonHandlers(core),
    ...clusterHandlers(core),
    ...tuningHandlers(core),
  };
  return withErrorMapping(handlers);
}

const redactResult = (r: ConfigUpdateResult): ConfigUpdateResult => ({ ...r, config: redactConfig(r.config) });

/**
 * An engine ERR_INVALID_OPTION reaching a handler means the caller sent a bad
 * value the engine caught first: the API reports it as ERR_VALIDATION, with
 * the option named like every other validation issue.
 */
function withErrorMapping(handlers: ApiHandlers): ApiHandlers {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(handlers) as Array<[string, (input: never) => Promise<unknown>]>) {
    wrapped[name] = async (input) => {
      try {
        return await fn(input);
      } catch (err) {
        const e = err as { code?: string; message?: string; details?: { option?: string } };
        if (e?.code !== 'ERR_INVALID_OPTION') throw err;
        throw validationError([{ path: e.details?.option ?? 'input', message: e.message ?? 'invalid' }]);
      }
    };
  }
  return wrapped as unknown as ApiHandlers;
}
