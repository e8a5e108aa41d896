// The hot path: accept a message, hand it to a worker with spare in-flight
// capacity or park it in the bounded queue, settle it, and re-dispatch work a
// dead worker took down with it (retries.ts holds it between attempts). Per
// message: one Task object and the caller's promise; the worker's reply comes
// back through ReplySink (no promise per attempt); no timers (queue deadlines
// share one timer), no stats work.
import { unwatchAbort, watchAbort } from '../worker/abort-watch';
import { errors, isPoolError, PoolError } from '../errors';
import { LatencyHistogram, POOL_LATENCY_WINDOW_MS } from '../metrics/latency';
import { OutcomeCounter } from '../metrics/outcomes';
import { Isolation } from './isolation';
import { Task, TaskQueue, TaskState } from './pool-queue';
import { Retries } from './retries';
import { createPicker, type Picker } from './strategies';
import type { PoolEventType, EventLevel, PoolOptions, StrategyName, TaskOutcome } from '../types';
import type { ReplySink } from '../worker/requests';
import type { WorkerSlot } from '../worker/worker-slot';

export interface DispatchHost {
  readonly opts: PoolOptions;
  readonly slots: readonly WorkerSlot[];
  readonly closing: boolean;
  emitEvent(type: PoolEventType, level: EventLevel, message: string, workerId?: string, data?: Record<string, unknown>): void;
  onQueued(depth: number): void;
  onWorkerDone(slot: WorkerSlot): void; // recycle-by-count / memory-step checks
}

// One executor shared by every submit(): it hands the resolving functions over through these
// two slots (the executor runs synchronously inside new Promise), so a message costs no
// executor closure and context of its own. Node 20 has no Promise.withResolvers.
let capturedResolve: (v: unknown) => void = () => {};
let capturedReject: (e: unknown) => void = () => {};
function captureResolvers(resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

// Memory limit: sample RSS every this many messages per worker (plus every health check).
const MEMORY_STEP_MASK = 255;

export class Dispatcher implements ReplySink<Task> {
  readonly queue: TaskQueue;
  readonly latency = new LatencyHistogram(POOL_LATENCY_WINDOW_MS);
  picker: Picker;
  readonly outcomes = new OutcomeCounter();
  processed = 0;
  errors = 0;
  private readonly isolation: Isolation;
  private readonly retries: Retries;
  // Reused for every adapter.processTo() call: the adapter reads it synchronously and keeps
  // nothing, so one object instead of one allocation per message.
  private readonly sendOpts: { timeout: number; signal: AbortSignal | undefined } = { timeout: 0, signal: undefined };

  constructor(private readonly host: DispatchHost) {
    this.queue = new TaskQueue(host.opts.messageQueueSize, (t) => this.onQueueExpired(t));
    this.picker = createPicker(host.opts.loadBalancingStrategy);
    this.isolation = new Isolation(host.slots, (t, s) => this.dispatch(t, s, performance.now()));
    this.retries = new Retries(
      host,
      this.isolation,
      (t) => this.resume(t),
      (t, err) => this.settleError(t, err, true),
    );
  }

  setStrategy(name: StrategyName): void {
    if (this.picker.name !== name) this.picker = createPicker(name);
  }

  submit(data: unknown, timeout: number, queueTimeout: number, signal: AbortSignal | undefined, withInfo: boolean): Promise<unknown> {
    const promise = new Promise(captureResolvers);
    this.admitSafely(new Task(data, timeout, queueTimeout, signal, withInfo, capturedResolve, capturedReject, performance.now()));
    return promise;
  }

  /** submit() that also hands back the Task, so its progress can be read (one task at a time, from the UI). */
  submitTracked(data: unknown, timeout: number, queueTimeout: number, signal: AbortSignal | undefined): { promise: Promise<unknown>; task: Task } {
    const promise = new Promise(captureResolvers);
    const task = new Task(data, timeout, queueTimeout, signal, true, capturedResolve, capturedReject, performance.now());
    this.admitSafely(task);
    return { promise, task };
  }

  private admitSafely(task: Task): void {
    try {
      this.admit(task);
    } catch (err) {
      // as a throwing Promise executor would; counted once, unless the message was already settled
      if (task.state !== TaskState.Done) {
        task.state = TaskState.Done;
        this.outcomes.failed((err as { code?: string } | null)?.code, false);
      }
      task.reject(err);
    }
  }

  private admit(task: Task): void {
    const now = task.createdAt;
    const signal = task.signal;
    if (signal) {
      if (signal.aborted) return this.refuse(task, errors.cancelled('Aborted before it was queued'));
      task.onAbort = () => this.onAbort(task);
      watchAbort(signal, task.onAbort);
    }
    if (this.queue.size === 0) {
      const slot = this.picker.pick(this.host.slots);
      if (slot) return this.dispatch(task, slot, now);
    }
    if (this.queue.full) {
      this.finishAbort(task);
      this.host.emitEvent('queue.overflow', 'warn', `pool queue full (${this.queue.capacity}); message refused`, undefined, {
        capacity: this.queue.capacity,
      });
      return this.refuse(task, errors.queueFull(this.queue.capacity));
    }
    this.queue.push(task, now);
    this.host.onQueued(this.queue.size);
  }

  /** Moves queued messages onto workers with spare capacity (a worker freed up or joined). */
  drain(): void {
    if (this.isolation.size > 0) this.isolation.place();
    while (this.queue.size > 0) {
      const slot = this.picker.pick(this.host.slots);
      if (!slot) return;
      const task = this.queue.shift()!;
      this.dispatch(task, slot, performance.now());
    }
  }

  /** Fails every waiting message (queued or waiting to retry) with `err`: shutdown/destroy. */
  failWaiting(err: PoolError): void {
    for (const t of this.queue.drainAll()) this.settleError(t, err, false);
    for (const t of this.retries.drainAll()) this.settleError(t, err, false);
  }

  private dispatch(task: Task, slot: WorkerSlot, now: number): void {
    if (task.attempts === 0) task.queueWaitMs = now - task.createdAt;
    task.state = TaskState.Running;
    task.slot = slot;
    task.attempts++;
    task.dispatchedAt = now;
    if (slot.inFlight++ === 0) slot.lastProgressAt = now;
    const so = this.sendOpts;
    so.timeout = task.timeout;
    so.signal = task.signal;
    slot.adapter!.processTo(task.data, so, task, this, now);
  }

  private release(task: Task, now: number): WorkerSlot {
    const slot = task.slot!;
    if (task.solo) slot.solo = task.solo = false;
    if (--slot.inFlight === 0) {
      slot.idleSince = now;
      if (this.isolation.size > 0) this.isolation.place(); // a reserved worker just drained
    }
    return slot;
  }

  /** ReplySink: the worker answered agent.result (called from the channel's frame reader). */
  onReply(task: Task, result: unknown, now: number): void {
    const slot = this.release(task, now);
    slot.recordDone(now - task.dispatchedAt, now, false);
    this.processed++;
    this.latency.record(now - task.createdAt, now);
    this.outcomes.answered(now - task.createdAt);
    task.state = TaskState.Done;
    this.finishAbort(task);
    task.resolve(task.withInfo ? this.outcome(task, result, slot, now) : result);
    this.afterDone(slot);
  }

  /** ReplySink: the attempt failed (always in a microtask after the failure was seen). */
  onFailure(task: Task, e: unknown): void {
    const now = performance.now();
    const slot = this.release(task, now);
    const err = isPoolError(e) ? e : errors.protocol(e instanceof Error ? e.message : String(e));
    const code = err.code;
    if (code === 'ERR_AGENT' || code === 'ERR_TIMEOUT' || code === 'ERR_CANCELLED') {
      // The worker answered (or the host gave up on this message only): counts as processed.
      // Pool latency figures are of answered messages only (like the outcome histogram).
      slot.recordDone(now - task.dispatchedAt, now, code !== 'ERR_CANCELLED');
      this.processed++;
      if (code === 'ERR_TIMEOUT') {
        this.host.emitEvent('task.timeout', 'warn', `message ran past its ${task.timeout} ms deadline on ${slot.id}`, slot.id, {
          phase: 'run',
          timeoutMs: task.timeout,
        });
      }
      this.settleError(task, err, code !== 'ERR_CANCELLED');
      this.afterDone(slot);
      return;
    }
    if (code === 'ERR_WORKER_CRASHED') task.crashes++;
    if (this.host.closing) {
      // Shutdown's grace ran out or destroy() killed the worker: the pool is gone, not the message's fault.
      this.settleError(task, errors.poolClosed(), false);
      return;
    }
    this.retries.retryOrFail(task, err, slot);
    this.drain();
  }

  private afterDone(slot: WorkerSlot): void {
    if (slot.messageLimit !== 0 || (this.host.opts.maxWorkerMemoryMB > 0 && (slot.messagesThisProcess & MEMORY_STEP_MASK) === 0)) {
      this.host.onWorkerDone(slot);
    }
    if (this.queue.size > 0) this.drain();
  }

  /** A retry is due: straight onto a worker when nothing waits ahead of it, else at the queue's head. */
  private resume(task: Task): void {
    const next = this.picker.pick(this.host.slots);
    if (next && this.queue.size === 0) this.dispatch(task, next, performance.now());
    else {
      this.queue.pushFront(task, performance.now());
      this.drain();
    }
  }

  private onQueueExpired(task: Task): void {
    const waited = Math.round(performance.now() - task.createdAt);
    this.host.emitEvent('task.timeout', 'warn', `message waited ${waited} ms in the queue (limit ${task.queueTimeout} ms)`, undefined, {
      phase: 'queue',
      timeoutMs: task.queueTimeout,
    });
    this.settleError(task, errors.queueTimeout(waited, task.queueTimeout), true);
  }

  private onAbort(task: Task): void {
    if (task.state === TaskState.Queued) this.queue.remove(task);
    else if (task.state === TaskState.RetryWait) this.retries.cancel(task);
    else return; // running: the adapter got the same signal and cancels it in the worker
    this.settleError(task, errors.cancelled('Aborted by the caller'), false);
  }

  /** Refused at the door (before the message was queued or sent): counted, settled. */
  private refuse(task: Task, err: PoolError): void {
    task.state = TaskState.Done;
    this.outcomes.failed(err.code, true);
    task.reject(err);
  }

  private settleError(task: Task, err: PoolError, count: boolean): void {
    if (task.state === TaskState.Done) return;
    task.state = TaskState.Done;
    if (count) this.errors++;
    this.outcomes.failed(err.code, false);
    this.finishAbort(task);
    task.reject(err);
  }

  private finishAbort(task: Task): void {
    if (task.onAbort) unwatchAbort(task.signal!, task.onAbort);
    task.onAbort = null;
  }

  private outcome(task: Task, result: unknown, slot: WorkerSlot, now: number): TaskOutcome {
    return {
      result,
      workerId: slot.id,
      latencyMs: now - task.createdAt,
      queueWaitMs: task.queueWaitMs,
      attempts: task.attempts,
    };
  }
}
