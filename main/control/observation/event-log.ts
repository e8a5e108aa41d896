// Bounded in-memory log of everything an operator may want to read back:
// pool events, per-worker output lines, alerts, config changes. Sequence
// numbers let a client tail it (afterSeq) without missing or repeating lines.
import type { LogEvent, LogLevel } from '../../../common/contract';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface EventQuery {
  workerId?: string;
  level?: LogLevel; // this level and above
  afterSeq?: number;
  limit?: number;
}

export class EventLog {
  private readonly buf: Array<LogEvent | undefined>;
  private head = 0;
  private size = 0;
  private seq = 0;

  constructor(
    readonly capacity = 5_000,
    private readonly onAppend?: (e: LogEvent) => void,
  ) {
    this.buf = new Array<LogEvent | undefined>(capacity);
  }

  append(e: Omit<LogEvent, 'seq'>): LogEvent {
    const event = { seq: ++this.seq, ...e } as LogEvent;
    if (this.size < this.capacity) {
      this.buf[(this.head + this.size) % this.capacity] = event;
      this.size++;
    } else {
      this.buf[this.head] = event;
      this.head = (this.head + 1) % this.capacity;
    }
    this.onAppend?.(event);
    return event;
  }

  /**
   * Matching events, oldest first. With afterSeq: the first `limit` after it
   * (tailing never skips a line); without: the newest `limit`.
   */
  query(q: EventQuery = {}): LogEvent[] {
    const limit = q.limit ?? 1_000;
    const minRank = q.level ? RANK[q.level] : 0;
    const match = (e: LogEvent) =>
      (q.afterSeq === undefined || e.seq > q.afterSeq) && (q.workerId === undefined || e.workerId === q.workerId) && RANK[e.level] >= minRank;
    const out: LogEvent[] = [];
    if (q.afterSeq !== undefined) {
      for (let i = 0; i < this.size && out.length < limit; i++) {
        const e = this.at(i);
        if (match(e)) out.push(e);
      }
      return out;
    }
    for (let i = this.size - 1; i >= 0 && out.length < limit; i--) {
      const e = this.at(i);
      if (match(e)) out.push(e);
    }
    return out.reverse();
  }

  get lastSeq(): number {
    return this.seq;
  }

  private at(i: number): LogEvent {
    return this.buf[(this.head + i) % this.capacity] as LogEvent;
  }
}
