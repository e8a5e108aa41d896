// Host-side deadlines without a timer per message. A setTimeout per request
// costs a timer-list insert and a cancel at 60k msg/s; instead requests are
// grouped by their timeout value. Within a group, send order is deadline order,
// so a sweep only looks at each group's oldest entries and stops at the first
// one that is not due. Settled requests leave their group at once, so nothing
// is retained after it is answered. A group is an intrusive doubly linked list
// (the items carry the links): add and remove are a few pointer writes, with no
// hashing and no Set entry to allocate per message.

export interface Deadlined {
  deadline: number; // performance.now() ms
  timeoutMs: number;
  group?: DeadlineGroup | undefined; // set by the tracker while the item is in a group
  dlPrev?: Deadlined | null;
  dlNext?: Deadlined | null;
}

export class DeadlineGroup {
  head: Deadlined | null = null;
  tail: Deadlined | null = null;
  size = 0;
}

export class DeadlineTracker<T extends Deadlined> {
  private readonly groups = new Map<number, DeadlineGroup>();
  private size = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  // The last group used: with one timeout value for every request (the usual case) add() skips the map.
  private lastGroup: DeadlineGroup | null = null;
  private lastTimeout = NaN;

  constructor(
    private readonly resolutionMs: number,
    private readonly onExpire: (item: T) => void,
  ) {}

  add(item: T): void {
    let group = item.timeoutMs === this.lastTimeout ? this.lastGroup : this.groups.get(item.timeoutMs);
    if (!group) {
      group = new DeadlineGroup();
      this.groups.set(item.timeoutMs, group);
    }
    this.lastGroup = group;
    this.lastTimeout = item.timeoutMs;
    item.dlPrev = group.tail;
    item.dlNext = null;
    if (group.tail) group.tail.dlNext = item;
    else group.head = item;
    group.tail = item;
    group.size++;
    item.group = group;
    this.size++;
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(performance.now()), this.resolutionMs);
      // The child's pipes keep the loop alive while work is pending; this timer must not.
      this.timer.unref();
    }
  }

  remove(item: T): void {
    const group = item.group;
    if (group === undefined) return;
    const prev = item.dlPrev ?? null;
    const next = item.dlNext ?? null;
    if (prev) prev.dlNext = next;
    else group.head = next;
    if (next) next.dlPrev = prev;
    else group.tail = prev;
    item.dlPrev = item.dlNext = null;
    item.group = undefined;
    group.size--;
    this.size--;
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
        this.dropGroup(timeoutMs, group);
        continue;
      }
      for (let item = group.head; item !== null && item.deadline <= now; item = item.dlNext ?? null) due.push(item as T);
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
    for (const [timeoutMs, group] of this.groups) if (group.size === 0) this.dropGroup(timeoutMs, group);
  }

  clear(): void {
    for (const group of this.groups.values()) {
      for (let item = group.head; item !== null;) {
        const next = item.dlNext ?? null;
        item.group = undefined;
        item.dlPrev = item.dlNext = null;
        item = next;
      }
    }
    this.groups.clear();
    this.lastGroup = null;
    this.lastTimeout = NaN;
    this.size = 0;
    this.stop();
  }

  private dropGroup(timeoutMs: number, group: DeadlineGroup): void {
    this.groups.delete(timeoutMs);
    if (this.lastGroup === group) {
      this.lastGroup = null;
      this.lastTimeout = NaN;
    }
  }
}
