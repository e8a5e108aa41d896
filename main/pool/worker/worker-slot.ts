// Per-worker state the pool keeps next to its adapter: lifecycle state, the
// in-flight count the dispatcher routes on, jittered recycle limits, latency
// (histogram + EWMA for p2c), restart history and the last health sample.
import type { GreenletBridgeAdapter } from './adapter';
import { LatencyHistogram, POOL_LATENCY_WINDOW_MS } from '../metrics/latency';
import { RestartPolicy } from '../lifecycle/restart-policy';
import type { PoolOptions, WorkerState, WorkerStats } from '../types';

// Long memory (~20 messages): the EWMA should say how fast a worker is, not echo the
// last message's size — a 0.2 alpha let one slow message repel work from an idle worker.
const EWMA_ALPHA = 0.05;

/** Bytes of frames a worker may have waiting on its input pipe before the pool routes elsewhere (one larger frame still goes alone). */
export const MAX_QUEUED_INPUT_BYTES = 16 * 1024 * 1024;

export class WorkerSlot {
  adapter: GreenletBridgeAdapter | null = null;
  state: WorkerState = 'starting';
  healthy = true;
  /** Set when the pool decided to retire this worker (recycle, scale-down, hub blocked); it gets no new work. */
  retiring = false;
  /** Kept free of new work so a crash suspect can run alone on it (see isolation.ts). */
  reserved = false;
  /** Running a crash suspect alone. */
  solo = false;
  inFlight = 0;
  capacity: number;
  messagesProcessed = 0; // over the slot's life (stats)
  messagesThisProcess = 0; // since the current process started (recycle-by-count)
  errors = 0;
  outputLines = 0;
  restarts = 0;
  readyAt = 0; // Date.now() when it became ready
  idleSince = 0; // performance.now() when inFlight last fell to 0
  rssBytes = 0;
  loopLagMs = 0;
  lastError: string | undefined;
  ewmaMs = 0;
  // performance.now() of the last sign of progress: a reply, or going from idle to busy.
  // A worker whose hub is blocked by CPU-bound agent code shows no progress while busy.
  lastProgressAt = 0;
  readonly latency = new LatencyHistogram(POOL_LATENCY_WINDOW_MS);
  readonly restartPolicy = new RestartPolicy();
  messageLimit = 0; // 0 = off
  ageLimitMs = 0; // 0 = off
  ageTimer: NodeJS.Timeout | null = null;
  restartTimer: NodeJS.Timeout | null = null;
  healthPending = false;
  /** Date.now() of the ping this worker has not answered, while no pipe moved (0 = not suspect). */
  suspectSince = 0;
  memoryPending = false;
  memoryWarned = false;
  recycling = false; // a recycle is queued or running for this worker
  /** A recycle replacement not yet swapped in: it does not count toward the pool size (surge of one). */
  surge = false;
  recycleBlockedUntil = 0; // performance.now(); after a failed replacement start
  /** The health monitor already reported why this worker is going down (hub blocked). */
  unhealthyReported = false;
  /** Jitter draws are kept so a config change re-derives limits without reshuffling. */
  private readonly ageJitterFrac = Math.random();
  private readonly msgJitterFrac = Math.random();

  constructor(
    readonly id: string,
    opts: PoolOptions,
  ) {
    this.capacity = opts.concurrencyPerWorker;
    this.applyLimits(opts);
  }

  /**
   * Routable: ready, healthy, not being retired, with spare in-flight capacity, and its input pipe
   * not backed up past MAX_QUEUED_INPUT_BYTES (a worker whose hub is busy stops reading; without
   * this bound 8 workers × 100,000 in flight × 1 MB frames filled this process's heap). What is held
   * back waits in the pool queue, bounded by messageQueueSize; each answer routes the next.
   */
  get available(): boolean {
    return (
      this.state === 'ready' &&
      this.healthy &&
      !this.retiring &&
      !this.reserved &&
      !this.solo &&
      this.inFlight < this.capacity &&
      (this.adapter?.queuedInputBytes ?? 0) < MAX_QUEUED_INPUT_BYTES
    );
  }

  applyLimits(o: PoolOptions): void {
    this.messageLimit = o.maxMessagesPerWorker > 0 ? o.maxMessagesPerWorker + Math.floor(this.msgJitterFrac * (o.maxMessagesJitter + 1)) : 0;
    this.ageLimitMs = o.workerRecycleInterval > 0 ? o.workerRecycleInterval + Math.floor(this.ageJitterFrac * (o.workerRecycleJitter + 1)) : 0;
  }

  /** One finished agent.process (result or agent error); control frames never come here. */
  recordDone(runMs: number, now: number, failed: boolean): void {
    this.messagesProcessed++;
    this.messagesThisProcess++;
    if (failed) this.errors++;
    this.latency.record(runMs, now);
    this.lastProgressAt = now;
    this.ewmaMs = this.ewmaMs === 0 ? runMs : this.ewmaMs + EWMA_ALPHA * (runMs - this.ewmaMs);
  }

  age(now = Date.now()): number {
    return this.readyAt > 0 && (this.state === 'ready' || this.state === 'draining' || this.state === 'stopping') ? now - this.readyAt : 0;
  }

  stats(now = Date.now()): WorkerStats {
    this.latency.advance();
    const s: WorkerStats = {
      id: this.id,
      pid: this.adapter?.pid ?? null,
      state: this.state,
      healthy: this.healthy,
      messagesProcessed: this.messagesProcessed,
      errors: this.errors,
      inFlight: this.inFlight,
      age: this.age(now),
      rssBytes: this.rssBytes,
      loopLagMs: this.loopLagMs,
      averageResponseTime: round(this.latency.mean),
      p95ResponseTime: round(this.latency.percentile(95)),
      restarts: this.restarts,
      outputLines: this.outputLines,
    };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.suspectSince > 0 && this.state === 'ready') s.suspectForMs = Math.max(0, now - this.suspectSince);
    return s;
  }

  clearTimers(): void {
    if (this.ageTimer) clearTimeout(this.ageTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.ageTimer = this.restartTimer = null;
  }
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
