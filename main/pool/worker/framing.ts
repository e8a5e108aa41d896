// Newline-delimited JSON framing over pipes, both directions.
//
// Reading: decode each chunk (a multi-byte character cut at a chunk boundary is
// held back by the decoder), split on '\n' (never part of a multi-byte UTF-8
// sequence); a line cut across chunks is kept in parts and joined once.
// Writing: frames issued in the same tick are coalesced into one write, and a
// `false` from write() stops further writes until 'drain' (backpressure).
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';

export class LineSplitter {
  // Decoding whole chunks once and slicing the string is cheaper than one Buffer→string call
  // per line; the decoder holds back a multi-byte character cut at a chunk's end.
  private readonly decoder = new StringDecoder('utf8');
  private parts: string[] = [];
  private partChars = 0;
  private discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 64 * 1024 * 1024,
    private readonly onOverflow?: (chars: number, head: string) => void,
  ) {}

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const chars = this.partChars + nl - start;
      if (this.discarding) {
        this.discarding = false;
      } else if (chars > this.maxLineChars) {
        this.overflow(chars, text, start);
      } else if (this.partChars === 0) {
        this.onLine(text.slice(start, nl));
      } else {
        this.parts.push(text.slice(start, nl));
        const line = this.parts.join('');
        this.parts = [];
        this.partChars = 0;
        this.onLine(line);
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length && !this.discarding) this.keep(text, start);
  }

  /** Chars of an unfinished line held right now (what a ReplyBudget charges). */
  get heldChars(): number {
    return this.partChars;
  }

  /** The unterminated rest, if any (e.g. the last stderr line of a process that died mid-line). */
  end(): string | null {
    const rest = this.parts.join('') + this.decoder.end();
    this.parts = [];
    this.partChars = 0;
    return rest.length > 0 && !this.discarding ? rest : null;
  }

  /** A line this long is garbage or an attack; dropping it bounds host memory. */
  private overflow(chars: number, text: string, start: number): void {
    const head = this.parts.length > 0 ? this.parts[0]! : text.slice(start, start + 120);
    this.onOverflow?.(chars, head.slice(0, 120));
    this.parts = [];
    this.partChars = 0;
  }

  private keep(text: string, start: number): void {
    const rest = text.length - start;
    if (this.partChars + rest > this.maxLineChars) {
      this.overflow(this.partChars + rest, text, start);
      this.discarding = true;
      return;
    }
    this.parts.push(text.slice(start));
    this.partChars += rest;
  }
}

export class FrameWriter {
  private pending: string[] = [];
  private pendingLen = 0;
  private written = 0; // chars ever passed to write()
  private scheduled = false;
  private blocked = false;
  private closed = false;
  private readonly flushTask = (): void => this.flush();

  /** onStall: write() returned false and frames now wait for 'drain'. */
  constructor(
    private readonly stream: Writable,
    private readonly onStall?: () => void,
  ) {
    stream.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  /** Queues one frame (must end with '\n'); it goes out with everything else issued this tick. */
  write(frame: string): void {
    if (this.closed) return;
    this.pending.push(frame);
    this.pendingLen += frame.length;
    this.written += frame.length;
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      queueMicrotask(this.flushTask);
    }
  }

  /** True while the pipe is full and frames are being held for 'drain'. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  get pendingChars(): number {
    return this.pendingLen;
  }

  /** Frames written but not yet taken by the OS: held here while the pipe is full, plus the stream's buffer. */
  get queuedChars(): number {
    return this.pendingLen + this.stream.writableLength;
  }

  /**
   * How much of what was written the OS has taken from us (grows only as the reader drains the
   * pipe). Chars minus the stream's buffered length, which counts bytes: for non-ASCII frames it
   * can dip when frames move to the stream, never rise without the pipe being read.
   */
  get consumed(): number {
    return this.written - this.pendingLen - this.stream.writableLength;
  }

  flush(): void {
    this.scheduled = false;
    if (this.blocked || this.closed || this.pending.length === 0) return;
    const out = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingLen = 0;
    if (!this.stream.write(out)) {
      this.blocked = true;
      this.onStall?.();
    }
  }

  /** Drops held frames; the process is gone and nobody will read them. */
  close(): void {
    this.closed = true;
    this.pending = [];
    this.pendingLen = 0;
  }
}

// One reader alone holds at most maxFrameBytes (64 MiB) of an unfinished reply; the limit
// matters when several share a budget (the pool shares one across its workers).
export const DEFAULT_PENDING_REPLY_BYTES = 256 * 1024 * 1024;

/** A reader the budget can hold back: a worker's stdout stream. */
export interface BudgetedReader {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Caps the reply text the host holds at once across the workers sharing it: replies read
 * from the pipes but not yet complete frames (each complete frame is parsed and handed to its
 * caller at once, so this is where replies pile up: up to maxFrameBytes per worker, times the
 * workers). Counted in UTF-16 chars, which is bytes for ASCII JSON.
 *
 * Over the limit, every reader but the one holding the most is paused (its pipe fills and the
 * worker's writer waits); the largest keeps reading so its frame can complete — one frame always
 * can, so this never deadlocks — and readers resume as soon as the total is back under the limit.
 * Nothing is dropped. The total can pass the limit by at most one frame plus one read per worker.
 */
export class ReplyBudget {
  private readonly held = new Map<BudgetedReader, number>();
  private readonly paused = new Set<BudgetedReader>();
  private total = 0;
  /** The largest total seen. */
  peakBytes = 0;
  /** How many times a reader was paused. */
  pauses = 0;

  constructor(readonly limitBytes = DEFAULT_PENDING_REPLY_BYTES) {}

  get heldBytes(): number {
    return this.total;
  }

  /** `reader` now holds `bytes` (0 = nothing pending). */
  update(reader: BudgetedReader, bytes: number): void {
    const before = this.held.get(reader) ?? 0;
    if (bytes === before) return;
    this.total += bytes - before;
    if (bytes === 0) this.held.delete(reader);
    else this.held.set(reader, bytes);
    if (this.total > this.peakBytes) this.peakBytes = this.total;
    if (this.total > this.limitBytes || this.paused.size > 0) this.rebalance();
  }

  /** The reader is gone (its process exited): forget it and let it read out what is left. */
  release(reader: BudgetedReader): void {
    this.update(reader, 0);
    if (this.paused.delete(reader)) reader.resume();
    this.rebalance();
  }

  private rebalance(): void {
    if (this.total <= this.limitBytes) {
      for (const r of this.paused) r.resume();
      this.paused.clear();
      return;
    }
    let leader: BudgetedReader | undefined;
    let most = -1;
    for (const [r, n] of this.held) {
      if (n > most) {
        most = n;
        leader = r;
      }
    }
    for (const r of this.held.keys()) {
      if (r === leader) {
        if (this.paused.delete(r)) r.resume();
      } else if (!this.paused.has(r)) {
        this.paused.add(r);
        this.pauses++;
        r.pause();
      }
    }
  }
}
