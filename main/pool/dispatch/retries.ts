// The rare path after an attempt the worker did not answer (it crashed, its channel was lost,
// its own queue was full): the message is failed, declared poison after too many crashes, or
// held between attempts — on a backoff timer, then back to the dispatcher, or (a crash suspect)
// until it can run alone on an idle worker (isolation.ts). Kept apart from the dispatcher so its
// hot path stays short; abort and shutdown take waiting messages back through cancel/drainAll.
import { errors, type PoolError } from '../errors';
import { delay, isRetryable } from '../retry-policy';
import type { WorkerSlot } from '../worker/worker-slot';
import type { DispatchHost } from './dispatcher';
import { Isolation } from './isolation';
import { TaskState, type Task } from './pool-queue';

export class Retries {
  private readonly waiting = new Set<Task>(); // on their retry timer

  constructor(
    private readonly host: Pick<DispatchHost, 'opts' | 'emitEvent'>,
    private readonly isolation: Isolation,
    private readonly resume: (task: Task) => void, // its retry is due: onto a worker or the queue's head
    private readonly fail: (task: Task, err: PoolError) => void, // settled as failed, counted as an error
  ) {}

  /** After a failed attempt of a pool that is not closing: retry within maxRetries, or fail. */
  retryOrFail(task: Task, err: PoolError, slot: WorkerSlot): void {
    const max = this.host.opts.maxRetries;
    if (!isRetryable(err) || max === 0 || task.signal?.aborted) {
      this.fail(task, err);
    } else if (err.code === 'ERR_WORKER_CRASHED' && task.crashes >= max) {
      this.host.emitEvent('task.poison', 'error', `message killed ${task.crashes} workers; failed as poison instead of killing more`, slot.id, {
        attempts: task.attempts,
        crashes: task.crashes,
      });
      this.fail(task, errors.poison(task.crashes, err.message));
    } else if (task.attempts > max) {
      this.fail(task, err);
    } else {
      this.schedule(task, err, slot);
    }
  }

  /** The caller aborted a message waiting for its retry (on its timer, or for a worker of its own). */
  cancel(task: Task): void {
    if (task.retryTimer) clearTimeout(task.retryTimer);
    this.waiting.delete(task);
    this.isolation.remove(task);
  }

  /** Takes back every message waiting for its retry, timers stopped: shutdown/destroy fails them. */
  drainAll(): Task[] {
    const timed = [...this.waiting];
    for (const t of timed) if (t.retryTimer) clearTimeout(t.retryTimer);
    this.waiting.clear();
    return [...timed, ...this.isolation.drainAll()];
  }

  private schedule(task: Task, err: PoolError, slot: WorkerSlot): void {
    const delayMs = delay(task.attempts, this.host.opts.retryDelay);
    const isolated = Isolation.isSuspect(task, this.host.opts.maxRetries);
    task.state = TaskState.RetryWait;
    task.lastErrorCode = err.code;
    this.waiting.add(task);
    const how = isolated ? ' alone on an idle worker (last chance before poison)' : '';
    this.host.emitEvent(
      'task.retry',
      'warn',
      `retrying message (attempt ${task.attempts + 1})${how} in ${delayMs} ms after ${err.code} on ${slot.id}`,
      slot.id,
      {
        attempt: task.attempts + 1,
        delayMs,
        reason: err.code,
        isolated,
      },
    );
    task.retryTimer = setTimeout(() => {
      task.retryTimer = null;
      this.waiting.delete(task);
      if (isolated) this.isolation.add(task);
      else this.resume(task);
    }, delayMs);
  }
}
