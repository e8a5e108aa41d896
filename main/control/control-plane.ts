// ControlPlane: the one service that owns the pool and everything around it
// (config, metrics history, alerts, event log, load generator, snapshots).
// The Electron shell, the headless HTTP server and the A2A gateway all use
// this facade (index.ts re-exports it); the typed API is `handlers` (common/contract.ts)
// over PlaneCore (core.ts), the state and the operations that change it.
import type { ApiHandlers, AppInfo, EventName, EventPayload } from '../../common/contract';
import type { AppConfig, ConfigPatch } from '../../common/schemas';
import type { GreenletProcessPool } from '../pool/index';
import { validationError } from './api-error';
import { ensurePrivateDir } from './config/atomic-file';
import { loadConfig, mergePatch, validateConfig } from './config/config-store';
import { PlaneCore } from './core';
import { createHandlers } from './handlers';
import { ExternalTaskLog, type ExternalTaskInfo } from './observation/external-tasks';
import type { Door } from './observation/trail';

export type { Door } from './observation/trail';
export type { ExternalTaskInfo } from './observation/external-tasks';
import type { ClusterOptions } from '../cluster/index';

export { ApiError, toApiErrorShape, httpStatusFor } from './api-error';
export { defaultDataDir } from './config/config-store';

export interface ControlPlaneOptions {
  dataDir: string;
  mode: 'electron' | 'headless';
  version: string;
  runtimeDir?: string; // folder with greenlet_a2a/ (resources/python when packaged)
  configOverrides?: ConfigPatch; // applied over the file for this run (CLI flags, tests)
  now?: () => number;
  cluster?: ClusterOptions; // scale-out: show and control this cluster's hosts (docs/cluster.md)
}

export class ControlPlane {
  /** For in-process callers; transports use handlersFor(their door) so the trail says how a request came. */
  readonly handlers: ApiHandlers;
  private readonly byDoor = new Map<Door, ApiHandlers>();
  private readonly externalTasks: ExternalTaskLog;

  private constructor(private readonly core: PlaneCore) {
    this.handlers = this.handlersFor('in-process');
    this.externalTasks = new ExternalTaskLog((e) => core.log(e));
  }

  handlersFor(door: Door): ApiHandlers {
    let h = this.byDoor.get(door);
    if (!h) this.byDoor.set(door, (h = createHandlers(this.core, door)));
    return h;
  }

  /** Loads config (defaults on first start), restores history, starts the pool and the sampler. */
  static async create(opts: ControlPlaneOptions): Promise<ControlPlane> {
    const now = opts.now ?? Date.now;
    // The data dir holds config (maybe the A2A token) and history: private to the user.
    // One that cannot be created (read-only disk, a file in the way) is not fatal: loadConfig
    // then falls back to defaults with a warning.
    const dirProblem = await ensurePrivateDir(opts.dataDir).catch((err: Error) => `data directory ${opts.dataDir} is not usable (${err.message})`);
    const loaded = await loadConfig(opts.dataDir, now);
    let config = loaded.config;
    if (opts.configOverrides) {
      const v = validateConfig(mergePatch(config, opts.configOverrides));
      if (!v.ok) throw validationError(v.issues);
      config = v.config;
    }
    const core = new PlaneCore(
      { dataDir: opts.dataDir, runtimeDir: opts.runtimeDir, mode: opts.mode, version: opts.version, now, cluster: opts.cluster },
      config,
    );
    if (dirProblem) core.log({ type: 'config.warning', level: 'warn', message: dirProblem });
    if (loaded.warning) {
      core.log({
        type: 'config.warning',
        level: 'warn',
        message: loaded.warning.message,
        data: { keptAs: loaded.warning.keptAs, issues: loaded.warning.issues },
      });
    }
    await core.historyFile.load();
    await core.tuning.load();
    await core.startPool();
    core.startBackground();
    core.startCluster();
    return new ControlPlane(core);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.core.emitter.on(event, listener);
  }

  getPool(): GreenletProcessPool {
    return this.core.pool;
  }

  getConfig(): AppConfig {
    return this.core.config;
  }

  setAppInfo(partial: Partial<AppInfo>): void {
    Object.assign(this.core.appInfo, partial);
  }

  /** An external (A2A) task in the event log: each failure at warn, successes summed per second (external-tasks.ts). */
  recordExternalTask(info: ExternalTaskInfo): void {
    this.externalTasks.record(info);
  }

  /** Stops load, persists history and config, drains the pool. Idempotent. */
  async stop(): Promise<void> {
    this.externalTasks.flush();
    await this.core.stop();
  }
}
