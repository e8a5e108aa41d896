// Host-side deadlines without a timer per message. A setTimeout per request
// costs a timer-list insert and a cancel at 60k msg/s; instead requests are
// grouped by their timeout value. Within a group, send order is deadline order,
// so a sweep only looks at each group's oldest entries and stops at the first
// one that is not due. Settled requests leave their group at once, so nothing
// is retained after it is answered.

export interface Deadlined {
  deadline: number; // performance.now() ms
  timeoutMs: number;
  group?: Set<unknown> | undefined; // set by the tracker: removal without a lookup
}

export class DeadlineTracker<T extends Deadlined> {
  private readonly groups = new Map<number, Set<T>>();
  private size = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly resolutionMs: number,
    private readonly onExpire: (item: T) => void,
  ) {}

  add(item: T): void {
    let group = this.groups.get(item.timeoutMs);
    if (!group) {
      group = new Set();
      this.groups.set(item.timeoutMs, group);
    }
    group.add(item);
    item.group = group;
    this.size++;
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(performance.now()), this.resolutionMs);
      // The child's pipes keep the loop alive while work is pending; this timer must not.
      this.timer.unref();
    }
  }

  remove(item: T): void {
    if (item.group?.delete(item)) this.size--;
  }

  get count(): number {
    return this.size;
  }

  /** Timeout values with a group kept (empty ones are dropped on the next sweep). */
  get groupCount(): number {
    return this.groups.size;
  }

  sweep(now: number): void {
    const due: T[] = [];
    for (const [timeoutMs, group] of this.groups) {
      // Per-call timeouts can take any value (an A2A client's timeoutMs): a group left empty
      // is dropped, or the map and every sweep would grow with each distinct value ever seen.
      if (group.size === 0) {
        this.groups.delete(timeoutMs);
        continue;
      }
      for (const item of group) {
        if (item.deadline > now) break;
        due.push(item);
      }
    }
    for (const item of due) {
      this.remove(item);
      this.onExpire(item);
    }
    if (this.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const [timeoutMs, group] of this.groups) if (group.size === 0) this.groups.delete(timeoutMs);
  }

  clear(): void {
    for (const group of this.groups.values()) for (const item of group) item.group = undefined;
    this.groups.clear();
    this.size = 0;
    this.stop();
  }
}
