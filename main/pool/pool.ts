// GreenletProcessPool: the public face of the engine. Callers only execute();
// they never check workers out or in. Internals: Intake (refusals, traffic
// recording), Dispatcher (hot path, queue, retries), WorkerManager (processes,
// restarts), Recycler (rolling recycle), HealthMonitor (pings, RSS), Scaler (min..max).
import { EventEmitter } from 'node:events';
import { Dispatcher } from './dispatch/dispatcher';
import { Intake } from './dispatch/intake';
import { errors, type PoolError } from './errors';
import { HealthMonitor } from './lifecycle/health';
import { mergeOptions, resolveOptions, RESTART_FIELDS } from './options';
import type { AdmissionState } from './dispatch/admission';
import { applyLiveOptions } from './lifecycle/live-options';
import { computeDetailedStats, computeStats, type StatsSource } from './metrics/pool-stats';
import { Recycler } from './lifecycle/recycler';
import { Scaler } from './lifecycle/scaler';
import type {
  DetailedPoolStats,
  EventLevel,
  ExecuteOptions,
  PoolEvent,
  PoolEventType,
  PoolOptions,
  PoolStats,
  ProcessMessage,
  ConfigChange,
  ShutdownOptions,
  TaskOutcome,
  TaskProgress,
} from './types';
import { WorkerManager, type WorkerHost } from './lifecycle/workers';
import type { WorkerSlot } from './worker/worker-slot';
import type { TrafficRecord } from './traffic';

// Typed 'event' overloads merged into the class (@types/node 20's EventEmitter takes no event map).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface only narrows inherited methods
export declare interface GreenletProcessPool {
  on(event: 'event', listener: (ev: PoolEvent) => void): this;
  off(event: 'event', listener: (ev: PoolEvent) => void): this;
  once(event: 'event', listener: (ev: PoolEvent) => void): this;
  emit(event: 'event', ev: PoolEvent): boolean;
}

type Phase = 'new' | 'starting' | 'running' | 'closing' | 'closed';

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class GreenletProcessPool extends EventEmitter implements WorkerHost {
  opts: PoolOptions;
  private phase: Phase = 'new';
  private startError: string | undefined;
  private closePromise: Promise<void> | null = null;
  private readonly manager: WorkerManager;
  private readonly dispatcher: Dispatcher;
  private readonly intake: Intake;
  private readonly recycler: Recycler;
  private readonly health: HealthMonitor;
  private readonly scaler: Scaler;

  constructor(options: Partial<PoolOptions> = {}) {
    super();
    this.opts = resolveOptions(options);
    this.manager = new WorkerManager(this);
    const pool = this; // eslint-disable-line @typescript-eslint/no-this-alias -- the getters below must read the live opts
    this.dispatcher = new Dispatcher({
      get opts() {
        return pool.opts; // a getter, so updateConfig() is seen at once
      },
      slots: this.manager.slots,
      get closing() {
        return pool.closing;
      },
      emitEvent: (...a) => this.emitEvent(...a),
      onQueued: (depth) => this.scaler.onQueued(depth),
      onWorkerDone: (slot) => this.onWorkerDone(slot),
    });
    this.intake = new Intake(this.dispatcher, {
      get opts() {
        return pool.opts;
      },
      admission: () => this.admission(),
    });
    this.recycler = new Recycler(this.manager, this);
    this.health = new HealthMonitor(this.manager, this.recycler, this);
    this.scaler = new Scaler(this.manager, this, () => this.dispatcher.queue.size);
  }

  get closing(): boolean {
    return this.phase === 'closing' || this.phase === 'closed';
  }

  /** Starts minWorkers workers. Resolves once at least one is ready; rejects ERR_START_FAILED (real Python text) if none can start. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw errors.invalidOption('start', `cannot be called on a pool that is ${this.phase}`);
    this.phase = 'starting';
    const slots = Array.from({ length: this.opts.minWorkers }, () => this.manager.newSlot());
    const results = await Promise.allSettled(slots.map((s) => this.manager.launch(s)));
    if (this.closing) throw errors.poolClosed();
    if (!results.some((r) => r.status === 'fulfilled')) {
      for (const s of slots) this.manager.remove(s);
      this.phase = 'new';
      throw (results[0] as PromiseRejectedResult).reason as PoolError;
    }
    // Workers that failed next to working ones are retried with backoff, not given up on.
    results.forEach((r, i) => r.status === 'rejected' && this.manager.scheduleRestart(slots[i]!, null));
    this.phase = 'running';
    this.health.start();
    this.scaler.start();
  }

  /** Runs one message on some worker; resolves with the agent's return value. */
  execute(message: ProcessMessage, opts?: ExecuteOptions): Promise<unknown> {
    return this.intake.submit(message, opts, false);
  }

  /** Like execute(), with where and how it ran (the control plane's submitTask). */
  executeWithInfo(message: ProcessMessage, opts?: ExecuteOptions): Promise<TaskOutcome> {
    return this.intake.submit(message, opts, true) as Promise<TaskOutcome>;
  }

  /**
   * executeWithInfo() plus a progress read (the Tasks view's "waiting on…"). The progress
   * getter walks the queue: call it now and then, not per message.
   */
  executeTracked(message: ProcessMessage, opts?: ExecuteOptions): { promise: Promise<TaskOutcome>; progress: () => TaskProgress } {
    return this.intake.submitTracked(message, opts);
  }

  /**
   * Calls `fn` once per settled message with its shape — arrival time, size, run time, outcome —
   * never its contents (the tuning assistant replays this). Off (zero cost) until set; undefined stops it.
   */
  setTrafficRecorder(fn: ((r: TrafficRecord) => void) | undefined): void {
    this.intake.recorder = fn;
  }

  getStats(): PoolStats {
    return computeStats(this.statsSource());
  }

  getDetailedStats(): DetailedPoolStats {
    return computeDetailedStats(this.statsSource());
  }

  /**
   * The agent as its workers announced it in agent.register (the A2A gateway
   * builds its Agent Card skills from this). Prefers a worker that is not being
   * retired, so after an agent change the new agent is reported. Undefined until
   * a worker is ready.
   */
  getAgentInfo(): { agentId: string; capabilities: string[] } | undefined {
    const ready = this.manager.slots.filter((s) => s.state === 'ready' && s.adapter?.info);
    const info = (ready.find((s) => !s.retiring) ?? ready[0])?.adapter?.info;
    return info ? { agentId: info.agentId, capabilities: [...info.capabilities] } : undefined;
  }

  /**
   * Replaces one worker (replacement first, then drain). Resolves when the old one has stopped:
   * true, or false when it was not serving (restarting) and there was nothing to hand over.
   */
  async recycleWorker(id: string): Promise<boolean> {
    const slot = this.manager.find(id);
    if (!slot || slot.retiring) throw errors.invalidOption('workerId', `does not name a live worker of this pool (${id})`);
    return this.recycler.request(slot, 'manual');
  }

  /** Rolling recycle of every worker, one at a time. Resolves with how many were recycled. */
  async recycleAll(reason: 'manual' | 'config' = 'manual'): Promise<number> {
    const { recycled, error } = await this.recycler.rollAll(reason);
    if (error) throw error;
    return recycled;
  }

  /**
   * Validates the whole new option set first (throws ERR_INVALID_OPTION, nothing applied), then
   * applies what can change live and starts a rolling recycle for fields baked into the processes.
   */
  updateConfig(patch: Partial<PoolOptions>): ConfigChange {
    const { next, changed } = mergeOptions(this.opts, patch);
    this.opts = next;
    const restartRequired = changed.filter((k) => RESTART_FIELDS.has(k));
    const applied = changed.filter((k) => !RESTART_FIELDS.has(k));
    const { opts, dispatcher, health, scaler, manager, recycler } = this;
    applyLiveOptions(new Set(applied), { opts, running: this.phase === 'running', dispatcher, health, scaler, manager, recycler });
    if (changed.length > 0) {
      this.emitEvent('pool.config', 'info', `config changed: ${changed.join(', ')}`, undefined, { applied, restartRequired });
    }
    const done = restartRequired.length > 0 && this.phase === 'running' ? this.recycler.rollAll('config') : Promise.resolve({ recycled: 0 });
    return { applied, restartRequired, done };
  }

  /** Resize: min and max validated together; extra workers start at once, surplus ones drain. */
  scale(minWorkers: number, maxWorkers: number): ConfigChange {
    const from = this.manager.activeCount();
    const change = this.updateConfig({ minWorkers, maxWorkers });
    this.emitEvent('pool.scaled', 'info', `pool bounds set to ${minWorkers}..${maxWorkers}`, undefined, { from, minWorkers, maxWorkers });
    return change;
  }

  /** Forgets crash-loop history, restarts failed workers now and recycles the rest (rolling). */
  async restart(): Promise<void> {
    if (this.phase === 'new') return this.start();
    if (this.closing) throw errors.poolClosed();
    for (const s of this.manager.slots) {
      s.restartPolicy.reset();
      if (s.restartTimer) {
        clearTimeout(s.restartTimer);
        s.restartTimer = null;
        s.restarts++;
        this.manager.launchOrSchedule(s);
      }
    }
    this.scaler.fillMin();
    await this.recycleAll('manual');
  }

  /** Graceful: refuse new work, fail queued messages with ERR_POOL_CLOSED, let in-flight ones finish, stop workers. */
  shutdown(opts: ShutdownOptions = {}): Promise<void> {
    if (this.closePromise) return this.closePromise;
    const timeout = opts.timeout ?? this.opts.drainTimeout;
    this.beginClose();
    this.closePromise = Promise.all(this.manager.slots.slice().map((s) => this.manager.retire(s, timeout))).then(() => {
      this.phase = 'closed';
    });
    return this.closePromise;
  }

  /** Immediate: kill every worker; everything pending fails with ERR_POOL_CLOSED. */
  async destroy(): Promise<void> {
    this.beginClose();
    this.manager.killAll();
    for (const s of this.manager.slots.slice()) this.manager.remove(s);
    this.phase = 'closed';
  }

  // ---- WorkerHost ----

  emitEvent(type: PoolEventType, level: EventLevel, message: string, workerId?: string, data?: Record<string, unknown>): void {
    if (this.listenerCount('event') === 0) return;
    const ev: PoolEvent = { time: Date.now(), type, level, message };
    if (workerId !== undefined) ev.workerId = workerId;
    if (data !== undefined) ev.data = data;
    try {
      this.emit('event', ev);
    } catch (err) {
      // A throwing listener must not unwind the pool's own bookkeeping (a message left unsettled).
      process.emitWarning(`GreenletProcessPool 'event' listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  onCapacity(slot?: WorkerSlot): void {
    if (slot) this.recycler.armAge(slot);
    if (this.phase === 'running' || this.phase === 'starting') this.dispatcher.drain();
  }

  onStartError(text: string | undefined): void {
    this.startError = text;
  }

  onNoWorkers(): void {
    // Nothing will ever take the waiting messages: fail them now rather than let them hang.
    this.dispatcher.failWaiting(errors.notConnected('No worker is running and restartOnFailure is off; message refused', false));
  }

  // ---- internals ----

  private onWorkerDone(slot: WorkerSlot): void {
    this.recycler.checkCount(slot);
    if (this.opts.maxWorkerMemoryMB > 0 && (slot.messagesThisProcess & 255) === 0) this.health.sampleMemory(slot);
  }

  /** What the intake checks each message against (dispatch/admission.ts). */
  private admission(): AdmissionState {
    const deadForGood = !this.opts.restartOnFailure && this.manager.slots.length > 0 && this.manager.noneAlive();
    return { running: this.phase === 'running', closing: this.closing, deadForGood };
  }

  private beginClose(): void {
    if (this.closing) return;
    this.phase = 'closing';
    this.health.stop();
    this.scaler.stop();
    this.dispatcher.failWaiting(errors.poolClosed());
  }

  private statsSource(): StatsSource {
    return {
      opts: this.opts,
      slots: this.manager.slots,
      queueDepth: this.dispatcher.queue.size,
      processed: this.dispatcher.processed,
      errors: this.dispatcher.errors,
      latency: this.dispatcher.latency,
      outcomes: this.dispatcher.outcomes,
      strategy: this.dispatcher.picker.name,
      startError: this.startError,
    };
  }
}
