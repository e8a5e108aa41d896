// The pool's bounded FIFO. Tasks link into an intrusive doubly linked list, so
// push, shift and removal (abort, queue deadline) are O(1) with no allocation.
// Queue-wait deadlines share one timer armed for the earliest deadline: with a
// uniform queueTimeout the head is always the earliest, so pushes never re-arm.
import type { WorkerSlot } from '../worker/worker-slot';

export enum TaskState {
  Queued,
  Running,
  RetryWait,
  Done,
}

export class Task {
  prev: Task | null = null;
  next: Task | null = null;
  state = TaskState.Queued;
  attempts = 0;
  crashes = 0;
  queuedAt = 0;
  queueDeadline = 0; // performance.now() ms, 0 = none
  queueWaitMs = 0;
  dispatchedAt = 0;
  slot: WorkerSlot | null = null;
  retryTimer: NodeJS.Timeout | null = null;
  onAbort: (() => void) | null = null;
  solo = false; // this attempt runs alone on its worker (crash suspect)
  lastErrorCode: string | null = null; // why the last attempt failed, while it waits to retry

  constructor(
    readonly data: unknown,
    readonly timeout: number,
    readonly queueTimeout: number,
    readonly signal: AbortSignal | undefined,
    readonly withInfo: boolean,
    readonly resolve: (v: unknown) => void,
    readonly reject: (e: unknown) => void,
    readonly createdAt: number,
  ) {}
}

export class TaskQueue {
  private head: Task | null = null;
  private tail: Task | null = null;
  private n = 0;
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  constructor(
    public capacity: number,
    private readonly onExpire: (task: Task) => void,
  ) {}

  get size(): number {
    return this.n;
  }

  get full(): boolean {
    return this.n >= this.capacity;
  }

  /** Appends; the caller checks `full` first (it decides how to reject). */
  push(task: Task, now: number): void {
    task.state = TaskState.Queued;
    task.queuedAt = now;
    task.queueDeadline = task.queueTimeout > 0 ? now + task.queueTimeout : 0;
    task.prev = this.tail;
    task.next = null;
    if (this.tail) this.tail.next = task;
    else this.head = task;
    this.tail = task;
    this.n++;
    if (task.queueDeadline !== 0 && task.queueDeadline < this.armedFor) this.arm(task.queueDeadline, now);
  }

  /**
   * Puts a retried message at the head. It was already accepted once, so the
   * bound does not apply (refusing it now would lose an accepted message), and
   * its queue deadline is not re-armed: a retry is the pool's delay, not the caller's.
   */
  pushFront(task: Task, now: number): void {
    task.state = TaskState.Queued;
    task.queuedAt = now;
    task.queueDeadline = 0;
    task.prev = null;
    task.next = this.head;
    if (this.head) this.head.prev = task;
    else this.tail = task;
    this.head = task;
    this.n++;
  }

  /** 1-based place of a queued task (1 = next out); O(n), for progress reads only. */
  positionOf(task: Task): number {
    let n = 1;
    for (let t = this.head; t; t = t.next, n++) if (t === task) return n;
    return 0;
  }

  shift(): Task | null {
    const t = this.head;
    if (t) this.unlink(t);
    return t;
  }

  remove(task: Task): boolean {
    if (task.state !== TaskState.Queued) return false;
    this.unlink(task);
    return true;
  }

  /** Removes and returns every queued task (shutdown). */
  drainAll(): Task[] {
    const out: Task[] = [];
    for (let t = this.shift(); t; t = this.shift()) out.push(t);
    this.disarm();
    return out;
  }

  private unlink(t: Task): void {
    if (t.prev) t.prev.next = t.next;
    else this.head = t.next;
    if (t.next) t.next.prev = t.prev;
    else this.tail = t.prev;
    t.prev = t.next = null;
    t.state = TaskState.Running; // the caller sets the real next state
    this.n--;
    if (this.n === 0) this.disarm();
  }

  private arm(at: number, now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, Math.ceil(at - now)));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private sweep(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (let t = this.head; t;) {
      const after = t.next;
      if (t.queueDeadline !== 0) {
        if (t.queueDeadline <= now) {
          this.unlink(t);
          this.onExpire(t);
        } else if (t.queueDeadline < next) next = t.queueDeadline;
      }
      t = after;
    }
    if (next !== Infinity && this.n > 0) this.arm(next, now);
  }
}
