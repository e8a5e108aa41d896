// Rolling recycle, one worker at a time: start the replacement, wait until it
// is ready, stop routing to the old worker, let it drain its in-flight
// messages, then stop it. Capacity never drops below what it was (the
// replacement is a surge of one), and nothing in flight is dropped — the cure
// for gunicorn #2567/#511 ("max_requests drops requests").
import type { PoolError } from '../errors';
import type { WorkerHost, WorkerManager } from './workers';
import type { WorkerSlot } from '../worker/worker-slot';

export type RecycleReason = 'age' | 'messages' | 'memory' | 'manual' | 'config';

interface Job {
  slot: WorkerSlot;
  reason: RecycleReason;
  detail: Record<string, unknown> | undefined;
  done: Array<(err: unknown, recycled: boolean) => void>;
}

// After a failed replacement start, automatic triggers wait this long before trying again.
const RETRY_AFTER_FAILURE_MS = 5_000;

export class Recycler {
  private jobs: Job[] = [];
  private running = false;

  constructor(
    private readonly manager: WorkerManager,
    private readonly host: WorkerHost,
  ) {}

  /** Arms the age trigger when a worker becomes ready. */
  armAge(slot: WorkerSlot): void {
    if (slot.ageTimer) clearTimeout(slot.ageTimer);
    slot.ageTimer = null;
    if (slot.ageLimitMs <= 0) return;
    const left = Math.max(0, slot.ageLimitMs - slot.age());
    slot.ageTimer = setTimeout(() => {
      slot.ageTimer = null;
      this.auto(slot, 'age', { ageMs: slot.age(), limitMs: slot.ageLimitMs });
    }, left);
    slot.ageTimer.unref();
  }

  /** Called after a message finished on `slot` (cheap: two compares). */
  checkCount(slot: WorkerSlot): void {
    if (slot.messageLimit !== 0 && slot.messagesThisProcess >= slot.messageLimit && !slot.recycling) {
      this.auto(slot, 'messages', { messagesProcessed: slot.messagesThisProcess, limit: slot.messageLimit });
    }
  }

  /** Called on every RSS sample. */
  checkMemory(slot: WorkerSlot): void {
    const limitMb = this.host.opts.maxWorkerMemoryMB;
    if (limitMb > 0 && slot.rssBytes > limitMb * 1024 * 1024 && !slot.recycling) {
      if (slot.messagesThisProcess === 0) {
        // Over the limit before doing any work: a replacement would be too, so recycling would
        // only loop. Say so once per worker instead.
        if (!slot.memoryWarned) {
          slot.memoryWarned = true;
          const mb = Math.round(slot.rssBytes / 1048576);
          this.host.emitEvent(
            'pool.config',
            'warn',
            `maxWorkerMemoryMB (${limitMb}) is below the RSS of an idle fresh worker (${mb} MB); not recycling ${slot.id} for memory`,
            slot.id,
            {
              option: 'maxWorkerMemoryMB',
              rssBytes: slot.rssBytes,
            },
          );
        }
        return;
      }
      this.auto(slot, 'memory', { rssBytes: slot.rssBytes, limitMB: limitMb });
    }
  }

  /**
   * Recycle now (manual / config). Resolves true once the old worker has stopped, false when
   * there was nothing to hand over (the worker was gone or not serving).
   */
  request(slot: WorkerSlot, reason: RecycleReason, detail?: Record<string, unknown>): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const existing = this.jobs.find((j) => j.slot === slot);
      const done = (err: unknown, recycled: boolean) => (err ? reject(err) : resolve(recycled));
      if (existing) existing.done.push(done);
      else this.jobs.push({ slot, reason, detail, done: [done] });
      slot.recycling = true;
      void this.pump();
    });
  }

  /** Every serving worker, one after another; stops at the first replacement that cannot start. */
  async rollAll(reason: RecycleReason): Promise<{ recycled: number; error?: PoolError }> {
    let recycled = 0;
    for (const slot of this.manager.slots.filter((s) => !s.retiring && s.state === 'ready')) {
      try {
        if (await this.request(slot, reason)) recycled++;
      } catch (err) {
        return { recycled, error: err as PoolError };
      }
    }
    return { recycled };
  }

  get pendingCount(): number {
    return this.jobs.length + (this.running ? 1 : 0);
  }

  private auto(slot: WorkerSlot, reason: RecycleReason, detail: Record<string, unknown>): void {
    if (slot.retiring || slot.recycling || performance.now() < slot.recycleBlockedUntil || this.host.closing) return;
    this.request(slot, reason, detail).catch(() => {
      slot.recycleBlockedUntil = performance.now() + RETRY_AFTER_FAILURE_MS;
      if (reason === 'age') {
        slot.ageTimer = setTimeout(() => this.auto(slot, 'age', detail), RETRY_AFTER_FAILURE_MS);
        slot.ageTimer.unref();
      }
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
        let error: unknown;
        let recycled = false;
        try {
          recycled = await this.recycleOne(job);
        } catch (err) {
          error = err;
        }
        for (const d of job.done) d(error, recycled);
      }
    } finally {
      this.running = false;
    }
  }

  private async recycleOne({ slot: old, reason, detail }: Job): Promise<boolean> {
    if (old.retiring || !this.manager.slots.includes(old) || this.host.closing) return false;
    if (old.state !== 'ready') {
      // Not serving (restarting, failed): nothing to hand over; its own restart brings it back.
      old.recycling = false;
      return false;
    }
    const fresh = this.manager.newSlot();
    fresh.surge = true;
    try {
      await this.manager.launch(fresh);
    } catch (err) {
      this.manager.remove(fresh);
      old.recycling = false;
      this.host.emitEvent(
        'worker.recycled',
        'warn',
        `recycle of ${old.id} (${reason}) aborted: replacement failed to start; old worker keeps serving`,
        old.id,
        {
          reason,
          aborted: true,
        },
      );
      throw err;
    }
    this.host.emitEvent('worker.recycled', 'info', `worker ${old.id} recycled (${reason}), replaced by ${fresh.id}`, old.id, {
      reason,
      replacement: fresh.id,
      messagesProcessed: old.messagesProcessed,
      ageMs: old.age(),
      ...detail,
    });
    fresh.surge = false;
    old.retiring = true; // from here the replacement counts and the old one does not
    await this.manager.retire(old);
    return true;
  }
}
