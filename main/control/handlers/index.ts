// One async handler per contract method. Inputs arrive parsed by the
// transport; handlers throw ApiError (or pass an engine PoolError through).
import type { ApiHandlers, ConfigUpdateResult, TaskResult } from '../../../common/contract';
import { ApiError, asValidationError, validationError } from '../api-error';
import type { PlaneCore } from '../core';
import { clusterHandlers } from './cluster';
import { pythonHandlers } from './python';
import { redactConfig, redactDiff } from '../config/secrets';
import { tuningHandlers } from './tuning';
import { loadFits } from '../tuning/limits';
import { DEFAULT_SNAPSHOT_RANGE_MS, snapshotCsv, snapshotJson } from '../observation/snapshot';
import { TRAIL_TYPES, type Door } from '../observation/trail';
import { clusterProgress } from '../observation/task-tracker';

const LEAVING = new Set(['draining', 'stopping', 'exited']);
// Cluster mode's export holds two kinds of figures; this says which is which (docs/cluster.md).
const CLUSTER_SCOPE =
  "history and alerts are the cluster's (counters in hosts.totals); stats and detailedStats are this control center's local pool, which takes none of the cluster's traffic";

/** `door`: how the calls arrive (desktop IPC, HTTP, in-process), recorded in the operator's trail. */
export function createHandlers(core: PlaneCore, door: Door = 'in-process'): ApiHandlers {
  const findWorker = (id: string) => core.pool.getDetailedStats().workers.find((w) => w.id === id);

  const handlers: ApiHandlers = {
    getAppInfo: async () => ({ ...core.appInfo }),
    // Secrets never leave through the API (config/secrets.ts): a set token reads as "<redacted>".
    getConfig: async () => redactConfig(core.config),
    updateConfig: async ({ patch }) => redactResult(await core.updateConfig(patch, door)),
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
      const conflict = () =>
        new ApiError('ERR_CONFLICT', `Worker ${workerId} is already ${worker.state === 'exited' ? 'gone' : 'being replaced'}`, undefined, {
          workerId,
          state: worker.state,
        });
      if (LEAVING.has(worker.state)) throw conflict();
      core.trail.asked('recycle.requested', door, `Recycle of worker ${workerId} asked for`, { workerId });
      try {
        await core.pool.recycleWorker(workerId);
      } catch (err) {
        // it started retiring between the check and the call (recycle by age, memory, count)
        if ((err as { code?: string }).code === 'ERR_INVALID_OPTION') throw conflict();
        throw err;
      }
      return { recycled: workerId };
    },
    recycleAll: async () => {
      core.trail.asked('recycle.requested', door, 'Recycle of every worker asked for', { workerId: 'all' });
      return { recycled: await core.pool.recycleAll('manual') };
    },
    restartPool: async () => {
      core.trail.asked('recycle.requested', door, 'Pool restart asked for', { workerId: 'all', restart: true });
      await core.restartPool();
      return { ok: true };
    },
    scale: async ({ minWorkers, maxWorkers }) => redactResult(await core.updateConfig({ pool: { minWorkers, maxWorkers } }, door)),

    submitTask: async ({ data, timeoutMs, trackId }) => {
      if (core.cluster) {
        const executor = core.cluster.executor;
        const { promise, progress } = executor.executeTracked(data, timeoutMs === undefined ? {} : { timeout: timeoutMs });
        if (trackId !== undefined) core.tasks.track(trackId, () => clusterProgress(progress(), executor.o.maxDeliver), promise);
        const o = await promise;
        return { result: o.result, workerId: `${o.hostId}/${o.workerId ?? '?'}`, latencyMs: o.latencyMs, queueWaitMs: 0, attempts: o.delivery };
      }
      try {
        const { promise, progress } = core.pool.executeTracked(
          { type: 'agent.process', data },
          timeoutMs === undefined ? {} : { timeout: timeoutMs },
        );
        if (trackId !== undefined) core.tasks.track(trackId, progress, promise);
        const o = await promise;
        const result: TaskResult = {
          result: o.result,
          workerId: o.workerId,
          latencyMs: o.latencyMs,
          queueWaitMs: o.queueWaitMs,
          attempts: o.attempts,
        };
        return result;
      } catch (err) {
        // A pool that never started answers "not connected"; the operator needs the reason it did not start.
        if ((err as { code?: string }).code === 'ERR_NOT_CONNECTED' && !core.running && core.startError) {
          throw new ApiError('ERR_START_FAILED', core.startError);
        }
        throw err;
      }
    },
    getTaskProgress: async ({ trackId }) => core.tasks.get(trackId),
    startLoad: async (spec) => {
      // a load whose outstanding payloads cannot fit would run this process out of heap (issue 17)
      const issue = loadFits(core.pool.opts, spec.payloadBytes, 'payloadBytes', 'This load on the live pool');
      if (issue) throw validationError([issue]);
      core.trail.loadStarted(spec, door);
      return core.load.start(spec);
    },
    stopLoad: async () => {
      if (core.load.get().running) core.trail.asked('load.run', door, 'Load run stop asked for', { phase: 'stop' });
      return core.load.stop();
    },
    getLoadStatus: async () => core.load.get(),

    exportSnapshot: async ({ format, rangeMs }) => {
      const now = core.now();
      const range = rangeMs ?? DEFAULT_SNAPSHOT_RANGE_MS;
      const history = core.history.query(range, now);
      if (format === 'csv') return snapshotCsv(history, now);
      const detailedStats = core.pool.getDetailedStats();
      const { workers: _workers, ...stats } = detailedStats;
      return snapshotJson(
        {
          exportedAt: new Date(now).toISOString(),
          app: { ...core.appInfo },
          config: redactConfig(core.config),
          stats,
          detailedStats,
          historyRangeMs: range,
          history,
          alerts: core.alerts.view(),
          // what operators asked for in the range (load runs, experiments, config, recycles) and through which door
          operatorTrail: core.events.query({ limit: 5_000 }).filter((e) => TRAIL_TYPES.has(e.type) && e.time >= now - range),
          ...(core.cluster ? { hosts: core.cluster.view(), scope: CLUSTER_SCOPE } : {}),
        },
        now,
      );
    },

    ...pythonHandlers(core),
    ...clusterHandlers(core),
    ...tuningHandlers(core, door),
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
        throw asValidationError(err);
      }
    };
  }
  return wrapped as unknown as ApiHandlers;
}
