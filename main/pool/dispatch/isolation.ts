// Last-chance isolation for crash suspects. When a worker dies, every message
// in flight on it is a suspect, but usually only one killed it. Counting every
// crash against every bystander would let one poison message condemn innocent
// neighbours that happened to be retried next to it again. So a message one
// crash away from being declared poison runs ALONE on an idle worker: if that
// worker dies, the blame is certain; if not, the message was innocent. Costs one
// worker's capacity for one message, only on this rare path.
import { TaskState, type Task } from './pool-queue';
import type { WorkerSlot } from '../worker/worker-slot';

export class Isolation {
  private readonly waiting: Task[] = [];

  constructor(
    private readonly slots: readonly WorkerSlot[],
    private readonly run: (task: Task, slot: WorkerSlot) => void,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  /** A message with this many crashes behind it gets its final attempt alone (needs maxRetries ≥ 2). */
  static isSuspect(task: Task, maxRetries: number): boolean {
    return task.crashes >= 1 && task.crashes >= maxRetries - 1;
  }

  add(task: Task): void {
    task.state = TaskState.RetryWait;
    this.waiting.push(task);
    this.place();
  }

  remove(task: Task): boolean {
    const i = this.waiting.indexOf(task);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    if (this.waiting.length === 0) this.unreserveAll();
    return true;
  }

  drainAll(): Task[] {
    this.unreserveAll();
    return this.waiting.splice(0);
  }

  /**
   * Runs waiting suspects on idle workers. When none is idle, reserves the least busy
   * worker: it takes no new work, drains, and the next call (when it reaches zero in
   * flight) runs the suspect there.
   */
  place(): void {
    while (this.waiting.length > 0) {
      let idle: WorkerSlot | null = null;
      let reserved = false;
      let candidate: WorkerSlot | null = null;
      for (const s of this.slots) {
        if (s.state !== 'ready' || !s.healthy || s.retiring || s.solo) continue;
        if (s.inFlight === 0) {
          idle = s;
          break;
        }
        if (s.reserved) reserved = true;
        else if (candidate === null || s.inFlight < candidate.inFlight) candidate = s;
      }
      if (idle === null) {
        if (!reserved && candidate) candidate.reserved = true;
        return;
      }
      idle.reserved = false;
      idle.solo = true;
      const task = this.waiting.shift()!;
      task.solo = true;
      this.run(task, idle);
    }
    this.unreserveAll();
  }

  private unreserveAll(): void {
    for (const s of this.slots) s.reserved = false;
  }
}
