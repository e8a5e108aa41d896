// Newline-delimited JSON framing over pipes, both directions.
//
// Reading: scan Buffer chunks for '\n' (0x0A never occurs inside a multi-byte
// UTF-8 sequence, so splitting bytes there is safe) and decode only complete
// lines; a line cut across chunks is kept as Buffer parts and decoded once.
// Writing: frames issued in the same tick are coalesced into one write, and a
// `false` from write() stops further writes until 'drain' (backpressure).
import type { Writable } from 'node:stream';

const NEWLINE = 10;

export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = 64 * 1024 * 1024,
    private readonly onOverflow?: (bytes: number, sample: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl !== -1) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.partBytes + nl - start > this.maxLineBytes) {
        this.overflow(this.partBytes + nl - start, chunk, start);
      } else if (this.partBytes === 0) {
        this.onLine(chunk.toString('utf8', start, nl));
      } else {
        this.parts.push(chunk.subarray(start, nl));
        const line = Buffer.concat(this.parts).toString('utf8');
        this.parts = [];
        this.partBytes = 0;
        this.onLine(line);
      }
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length && !this.discarding) this.keep(chunk, start);
  }

  /** The unterminated rest, if any (e.g. the last stderr line of a process that died mid-line). */
  end(): string | null {
    if (this.partBytes === 0) return null;
    const line = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    return line;
  }

  /** A line this long is garbage or an attack; dropping it bounds host memory. */
  private overflow(bytes: number, chunk: Buffer, start: number): void {
    const first = this.parts[0] ?? chunk.subarray(start);
    this.onOverflow?.(bytes, first.toString('utf8', 0, Math.min(first.length, 120)));
    this.parts = [];
    this.partBytes = 0;
  }

  private keep(chunk: Buffer, start: number): void {
    const rest = chunk.length - start;
    if (this.partBytes + rest > this.maxLineBytes) {
      this.overflow(this.partBytes + rest, chunk, start);
      this.discarding = true;
      return;
    }
    // Copy: the stream may reuse its chunk memory, and a tiny slice would pin a large buffer.
    this.parts.push(Buffer.from(chunk.subarray(start)));
    this.partBytes += rest;
  }
}

export class FrameWriter {
  private pending = '';
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
    this.pending += frame;
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
    return this.pending.length;
  }

  flush(): void {
    this.scheduled = false;
    if (this.blocked || this.closed || this.pending.length === 0) return;
    const out = this.pending;
    this.pending = '';
    if (!this.stream.write(out)) {
      this.blocked = true;
      this.onStall?.();
    }
  }

  /** Drops held frames; the process is gone and nobody will read them. */
  close(): void {
    this.closed = true;
    this.pending = '';
  }
}
