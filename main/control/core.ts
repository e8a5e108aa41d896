// The control plane's state and the operations that change it. ControlPlane
// (control-plane.ts) is the service and its public facade; handlers/ maps the typed API onto this.
import path from 'node:path';
import type { AppInfo, ConfigPreview, ConfigUpdateResult, LogEvent, MetricsSample } from '../../common/contract';
import type { AppConfig, ConfigPatch } from '../../common/schemas';
import { GreenletProcessPool } from '../pool/index';
import type { DetailedPoolStats, PoolEvent } from '../pool/index';
import { AlertEngine } from './observation/alerts';
import { EventAlerts } from './observation/event-alerts';
import { TaskTracker } from './observation/task-tracker';
import { OperatorTrail, type Door } from './observation/trail';
import { ApiError } from './api-error';
import { saveConfig } from './config/config-store';
import { planConfigChange } from './config/config-change';
import { applyConfigPatch } from './config/apply-config';
import { ContractEmitter } from './observation/emitter';
import { EventLog } from './observation/event-log';
import { MetricsHistoryStore } from './observation/history';
import { HistoryFile } from './observation/history-file';
import { LoadGenerator } from './tuning/load-generator';
import { allowedAgentPaths } from './python/agent-path-guard';
import { allowedInterpreters, checkIsPython } from './python/interpreter-guard';
import { toPoolOptions, type RuntimeContext } from './config/pool-options';
import { Sampler } from './observation/sampler';
import { ClusterView } from './observation/cluster-view';
import { ClusterSampleBuilder } from './observation/cluster-sampler';
import type { ClusterOptions } from '../cluster/index';
import { TuningService } from './tuning/service';
import { TrafficLog } from './tuning/traffic-log';

export const TUNING_FILE = 'tuning.json';

export interface CoreOptions extends RuntimeContext {
  mode: 'electron' | 'headless';
  version: string;
  now: () => number;
  cluster?: ClusterOptions; // scale-out: show and control this cluster's hosts
}

export class PlaneCore {
  readonly emitter = new ContractEmitter();
  readonly events = new EventLog(5_000, (e) => this.emitter.emit('log', e));
  readonly history = new MetricsHistoryStore();
  readonly historyFile: HistoryFile;
  readonly alerts: AlertEngine;
  readonly eventAlerts = new EventAlerts();
  readonly tasks = new TaskTracker();
  readonly trail = new OperatorTrail((e) => this.log(e));
  readonly sampler: Sampler;
  readonly load: LoadGenerator;
  readonly pool: GreenletProcessPool;
  readonly cluster: ClusterView | null;
  private readonly clusterSamples = new ClusterSampleBuilder();
  readonly tuning: TuningService;
  readonly traffic = new TrafficLog();
  readonly ctx: RuntimeContext;
  readonly now: () => number;
  config: AppConfig;
  appInfo: AppInfo;
  running = false; // the pool started at least one worker
  startError: string | undefined;
  // pool.pythonPath as config.json (or the CLI/test overrides) had it at start: the operator's
  // own choice, so it stays selectable over the API even when it is not on the allow-list.
  private readonly trustedPythons: string[];
  private readonly trustedAgentPaths: string[]; // pool.pythonPaths at start, likewise
  private serial: Promise<unknown> = Promise.resolve();
  private stopped: Promise<void> | undefined;

  constructor(opts: CoreOptions, config: AppConfig) {
    this.ctx = { dataDir: opts.dataDir, runtimeDir: opts.runtimeDir };
    this.now = opts.now;
    this.config = config;
    this.trustedPythons = config.pool.pythonPath ? [config.pool.pythonPath] : [];
    this.trustedAgentPaths = [...config.pool.pythonPaths];
    this.appInfo = { version: opts.version, mode: opts.mode, dataDir: opts.dataDir };
    this.alerts = new AlertEngine(config.alerts);
    this.historyFile = new HistoryFile(this.history, opts.dataDir, this.now, (e) => this.log(e));
    this.cluster = opts.cluster ? new ClusterView(opts.cluster, (e) => this.log(e)) : null;
    this.pool = new GreenletProcessPool(toPoolOptions(config, this.ctx));
    this.pool.on('event', (ev: PoolEvent) => {
      this.eventAlerts.observe(ev);
      this.log(ev);
    });
    // shapes only (time, size, run time, outcome) for the tuning assistant's replay load
    this.pool.setTrafficRecorder((r) => this.traffic.add(r));
    this.sampler = new Sampler(
      () => this.pool,
      config.sampling.intervalMs,
      this.now,
      (s, st) => this.onSample(s, st),
    );
    this.load = new LoadGenerator({
      // Cluster mode: load goes through JetStream to the hosts (refused while not connected, never silently local).
      submit: (data) => (this.cluster ? this.clusterExecute(data) : this.pool.execute({ type: 'agent.process', data })),
      now: this.now,
      onStatus: (status) => this.emitter.emit('load.status', status),
      onFinished: (status) => this.trail.loadFinished(status),
      // Bounded outstanding work: what the pool can hold (queue + in-flight slots), plus some slack
      // so a full queue is actually reached and its rejections become visible.
      maxOutstanding: () => {
        const p = this.pool.opts;
        return p.messageQueueSize + p.maxWorkers * p.concurrencyPerWorker + 100;
      },
    });
    // experiments run on throw-away pools of their own; the live pool is only read here
    this.tuning = new TuningService({
      config: () => this.config,
      poolOptions: (c) => toPoolOptions(c, this.ctx),
      liveWorkers: () => this.pool.getStats().total,
      traffic: () => this.traffic.recent(this.now()),
      emit: (exp) => {
        this.trail.experimentProgress(exp);
        this.emitter.emit('tuning.progress', exp);
      },
      now: this.now,
      file: path.join(opts.dataDir, TUNING_FILE),
      warn: (message) => this.log({ type: 'config.warning', level: 'warn', message }),
      liveSamples: (from, to) => this.history.query(this.now() - from, this.now()).samples.filter((s) => s.t >= from && s.t <= to),
    });
  }

  /** The interpreters the API may select (python/interpreter-guard.ts). */
  allowedPythons(): ReadonlySet<string> {
    return allowedInterpreters(this.config, this.ctx, this.trustedPythons);
  }

  /** The agent folders the API may put on the workers' PYTHONPATH (agent-path-guard.ts). */
  allowedAgentPaths(): ReadonlySet<string> {
    return allowedAgentPaths(this.config, this.trustedAgentPaths);
  }

  log(e: Omit<LogEvent, 'seq' | 'time'> & { time?: number }): LogEvent {
    return this.events.append({ ...e, time: e.time ?? this.now() });
  }

  /** Starts the pool; a failure is recorded (stats.startError, log) rather than thrown, so the app still opens. */
  async startPool(): Promise<void> {
    try {
      // A configured interpreter is confirmed to be Python before the pool runs it.
      if (this.config.pool.pythonPath) await checkIsPython(this.config.pool.pythonPath, 'pool.pythonPath');
      await this.pool.start();
      this.running = true;
      this.startError = undefined;
    } catch (err) {
      this.startError = (err as Error).message;
      this.log({
        type: 'worker.start_failed',
        level: 'error',
        message: `Pool could not start: ${this.startError}`,
        data: { code: (err as { code?: string }).code },
      });
    }
  }

  private async clusterExecute(data: unknown): Promise<unknown> {
    return (await this.cluster!.executor.execute(data)).result;
  }

  /** Joins the cluster view in the background; until it connects, getHosts says connected: false. */
  startCluster(): void {
    this.cluster?.startInBackground((err) =>
      this.log({ type: 'host.state', level: 'error', message: `Cluster view not connected yet (retrying every 2 s): ${err.message}` }),
    );
  }

  startBackground(): void {
    this.sampler.start();
    this.sampler.tick(); // baseline for the first delta
    this.historyFile.schedule(this.config.sampling.persistIntervalMs);
  }

  private onSample(local: MetricsSample, stats: DetailedPoolStats): void {
    // Cluster mode: the figures are the cluster's (history, Charts, alerts, export); the local pool's
    // stay in `stats`, which the Workers view shows labelled as this machine's pool.
    let sample = local;
    if (this.cluster) {
      const view = this.cluster.view();
      sample = this.clusterSamples.build(view, local.t);
      this.emitter.emit('hosts', view);
    }
    this.history.add(sample);
    this.emitter.emit('metrics.sample', sample);
    this.emitter.emit('stats', stats);
    // cluster mode: the per-worker age alerts would name the local pool's workers, which take none of the traffic
    const ages = this.cluster ? [] : stats.workers.filter((w) => w.state === 'ready').map((w) => ({ id: w.id, ageMs: w.age }));
    const extra = [
      ...this.eventAlerts.checks(Date.now(), this.config.alerts) /* pool events carry wall-clock time */,
      ...(this.cluster?.checks(this.config.alerts) ?? []),
    ];
    const { raised, cleared } = this.alerts.evaluate(sample, ages, sample.t, extra);
    for (const a of raised) {
      this.log({
        type: 'alert.raised',
        level: a.severity === 'critical' ? 'error' : 'warn',
        message: a.message,
        workerId: a.workerId,
        data: { id: a.id, value: a.value, threshold: a.threshold },
      });
      this.emitter.emit('alert.raised', a);
    }
    for (const a of cleared) {
      this.log({
        type: 'alert.cleared',
        level: 'info',
        message: `Cleared ${a.id}: now ${a.value} (threshold ${a.threshold}); was: ${a.message}`,
        workerId: a.workerId,
        data: { id: a.id, value: a.value },
      });
      this.emitter.emit('alert.cleared', a);
    }
  }

  /** Config changes and pool restarts run one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  previewConfig(patch: ConfigPatch): ConfigPreview {
    const plan = planConfigChange(this.config, patch, this.ctx);
    if (!plan.ok) return { valid: false, issues: plan.issues, diff: [] };
    return { valid: true, issues: [], diff: plan.change.diff };
  }

  /** Validates the merged whole, applies it live and persists it; a refusal is logged (config/apply-config.ts). */
  updateConfig(patch: ConfigPatch, door: Door = 'in-process'): Promise<ConfigUpdateResult> {
    return applyConfigPatch(this, patch, door);
  }

  /** Restart: rolling recycle of a running pool, or a fresh start of one that failed to start. */
  restartPool(): Promise<void> {
    return this.exclusive(async () => {
      if (this.running) return this.pool.restart();
      await this.startPool();
      if (!this.running) throw new ApiError('ERR_START_FAILED', this.startError ?? 'Pool could not start');
    });
  }

  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    this.load.stop();
    await this.tuning.stop();
    this.sampler.stop();
    this.historyFile.stop();
    await Promise.allSettled([this.historyFile.save(), saveConfig(this.ctx.dataDir, this.config)]);
    await this.cluster?.stop();
    await this.pool.shutdown({ timeout: this.config.pool.drainTimeout });
  }
}
