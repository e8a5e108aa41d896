// The table of requests waiting for a worker reply: it issues their ids and
// routes each line the worker writes to the request it answers. Replies are
// matched by id only (never by type); each request leaves the table exactly
// once — answered, expired, aborted or failed by the worker's death — so none
// is forgotten and none settles twice.
import { unwatchAbort, watchAbort } from './abort-watch';
import { DeadlineTracker, type DeadlineGroup, type Deadlined } from './deadlines';
import { errors, type PoolError } from '../errors';
import type { LatencyHistogram } from '../metrics/latency';
import * as wire from './wire';

export const PROCESS = 0; // agent.process resolving { result, durationMs }
export const PROCESS_FRAME = 1; // agent.process resolving the raw reply frame
export const CONTROL = 2; // ping / metrics: not counted as messages

export interface ChannelStats {
  messagesSent: number;
  messagesReceived: number;
  errors: number;
  lastMessageTime: number;
  timeouts: number;
  protocolErrors: number;
  lateReplies: number;
  outputLines: number;
  writeStalls: number;
}

export function emptyStats(): ChannelStats {
  return {
    messagesSent: 0,
    messagesReceived: 0,
    errors: 0,
    lastMessageTime: 0,
    timeouts: 0,
    protocolErrors: 0,
    lateReplies: 0,
    outputLines: 0,
    writeStalls: 0,
  };
}

/**
 * Where a message's outcome goes when no promise is wanted (the pool's hot path): one
 * object for every message, the message's own context passed back. A reply's result is
 * delivered synchronously from the frame reader; every failure in a later microtask, like a
 * promise rejection, so a failure never re-enters the code that is sending.
 */
export interface ReplySink<C> {
  onReply(ctx: C, result: unknown, now: number): void; // now: performance.now() when the reply was read
  onFailure(ctx: C, err: PoolError): void;
}

export interface Pending {
  id: string;
  key: number; // wire.idKeyOf(id): the table's key (a number hashes and compares cheaper than a string)
  kind: number;
  expect: string;
  start: number;
  limitMs: number; // the caller's timeout, for error messages
  timeoutMs: number; // deadline - start (the tracker's group key)
  deadline: number;
  resolve: (value: never) => void;
  reject: (err: PoolError) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  group: DeadlineGroup | undefined; // the deadline tracker's links
  dlPrev: Deadlined | null;
  dlNext: Deadlined | null;
  sink: ReplySink<unknown> | undefined; // set: the outcome goes here instead of resolve/reject
  ctx: unknown;
}

/** Fails `p` through its sink (in a microtask) or its promise. */
export function rejectPending(p: Pending, err: PoolError): void {
  const sink = p.sink;
  if (sink === undefined) p.reject(err);
  else queueMicrotask(() => sink.onFailure(p.ctx, err));
}

export interface RequestHooks {
  sendCancel(target: string): void;
  protocolError(reason: string, line: string): PoolError;
  maxQueueSize(): number | null;
}

const SWEEP_MS = 50;

export class RequestTable {
  private readonly pending = new Map<number, Pending>();
  private readonly deadlines = new DeadlineTracker<Pending>(SWEEP_MS, (p) => this.expire(p));
  private messagesInFlight = 0;
  private seq = 0; // the last id issued, as a number

  constructor(
    private readonly stats: ChannelStats,
    private readonly latency: LatencyHistogram,
    private readonly hooks: RequestHooks,
  ) {}

  /** agent.process requests awaiting a reply (control requests excluded). */
  get inFlight(): number {
    return this.messagesInFlight;
  }

  /** A fresh request id: a base-36 counter, so it splices into a frame without escaping. */
  nextId(): string {
    return (++this.seq).toString(36);
  }

  get(id: string): Pending | undefined {
    return this.byKey(wire.idKeyOf(id));
  }

  /** The request whose id has this wire.idKeyOf() number (-1: none). */
  private byKey(key: number): Pending | undefined {
    return key < 0 ? undefined : this.pending.get(key);
  }

  /**
   * Settles the request one line from the worker answers, or reports the line as a protocol
   * error. Returns the frame when it carries no id (the start-up handshake's), else null.
   */
  route(line: string): wire.Frame | null {
    // Fast path for the common reply: a message's result, laid out as the worker writes it.
    const quote = wire.fastResultQuote(line);
    if (quote > 0) {
      const p = this.byKey(wire.idKeyOf(line, wire.RESULT_ID_START, quote));
      if (p !== undefined && p.kind === PROCESS) {
        const result = wire.fastResultValue(line, quote);
        if (result !== wire.NOT_FAST) {
          this.settleResult(p, result);
          return null;
        }
      }
    }
    const frame = wire.parseFrame(line);
    if (typeof frame === 'string') {
      this.hooks.protocolError(frame, line);
      return null;
    }
    const id = frame.id;
    if (id === undefined) return frame;
    const p = this.get(id);
    if (p) this.settle(p, frame);
    // Replies to requests the host already gave up on (timeout, abort, stop) are expected.
    else if (this.issued(id)) this.stats.lateReplies++;
    else this.hooks.protocolError(`reply to unknown id "${id}"`, line);
    return null;
  }

  private issued(id: string): boolean {
    const n = parseInt(id, 36);
    return n > 0 && n <= this.seq;
  }

  add(
    id: string,
    kind: number,
    expect: string,
    limitMs: number,
    timeoutMs: number,
    resolve: (v: never) => void,
    reject: (e: PoolError) => void,
    sink?: ReplySink<unknown>,
    ctx?: unknown,
    start = performance.now(),
  ): Pending {
    const key = wire.idKeyOf(id);
    if (key < 0) throw new Error(`request id "${id}" is not canonical base 36`); // a host bug, not input
    const p: Pending = {
      id,
      key,
      kind,
      expect,
      start,
      limitMs,
      timeoutMs,
      deadline: start + timeoutMs,
      resolve,
      reject,
      signal: undefined,
      onAbort: undefined,
      group: undefined,
      dlPrev: null,
      dlNext: null,
      sink,
      ctx,
    };
    this.pending.set(key, p);
    if (timeoutMs > 0) this.deadlines.add(p);
    if (kind !== CONTROL) {
      this.messagesInFlight++;
      this.stats.messagesSent++;
    }
    return p;
  }

  watchAbort(p: Pending, signal: AbortSignal): void {
    p.signal = signal;
    p.onAbort = () => {
      if (!this.release(p)) return;
      this.stats.errors++;
      this.hooks.sendCancel(p.id);
      rejectPending(p, errors.cancelled('Aborted by the caller; agent.cancel sent to the worker'));
    };
    watchAbort(signal, p.onAbort);
  }

  private settle(p: Pending, frame: wire.Frame): void {
    const type = frame.type;
    if (p.kind === CONTROL) {
      this.release(p);
      if (type === p.expect) p.resolve(frame as never);
      else if (type === 'agent.error') p.reject(wire.errorFromFrame(frame, p.limitMs, this.hooks.maxQueueSize()));
      else p.reject(this.hooks.protocolError(`reply "${type}" to a request expecting "${p.expect}"`, JSON.stringify(frame)));
      return;
    }
    if (type === 'agent.result') return this.settleResult(p, frame.result, frame);
    this.received(p);
    this.stats.errors++;
    if (type === 'agent.error') rejectPending(p, wire.errorFromFrame(frame, p.limitMs, this.hooks.maxQueueSize()));
    else rejectPending(p, this.hooks.protocolError(`reply "${type}" to agent.process`, JSON.stringify(frame)));
  }

  /** An agent.process answered with `result`; `frame` is needed only by PROCESS_FRAME requests. */
  private settleResult(p: Pending, result: unknown, frame?: wire.Frame): void {
    const now = this.received(p);
    if (p.sink !== undefined) p.sink.onReply(p.ctx, result, now);
    else if (p.kind === PROCESS) p.resolve({ result, durationMs: now - p.start } as never);
    else p.resolve((frame ?? { type: 'agent.result', id: p.id, result }) as never);
  }

  /** Bookkeeping for any reply to an agent.process; returns the time it was seen. */
  private received(p: Pending): number {
    this.release(p);
    const now = performance.now();
    this.stats.messagesReceived++;
    this.stats.lastMessageTime = performance.timeOrigin + now; // epoch ms without a second clock read
    this.latency.record(now - p.start);
    return now;
  }

  /** Fails one request with `err` (e.g. its reply was unreadable). */
  fail(p: Pending, err: PoolError): void {
    if (!this.release(p)) return;
    if (p.kind !== CONTROL) this.stats.errors++;
    rejectPending(p, err);
  }

  /** The worker is gone: every request rejects with `err`. Returns the ids of the messages among them. */
  failAll(err: PoolError): string[] {
    const all = [...this.pending.values()];
    this.deadlines.clear();
    for (const p of all) {
      this.release(p);
      if (p.kind !== CONTROL) this.stats.errors++;
      rejectPending(p, err);
    }
    return all.filter((p) => p.kind !== CONTROL).map((p) => p.id);
  }

  /** Removes p from every structure; false when it was already settled. */
  private release(p: Pending): boolean {
    if (!this.pending.delete(p.key)) return false;
    if (p.group !== undefined) this.deadlines.remove(p);
    if (p.signal) unwatchAbort(p.signal, p.onAbort!);
    if (p.kind !== CONTROL) this.messagesInFlight--;
    return true;
  }

  private expire(p: Pending): void {
    if (!this.release(p)) return;
    if (p.kind === CONTROL) {
      const what = p.expect === 'agent.pong' ? 'agent.ping' : p.expect;
      p.reject(errors.timeout(p.limitMs, `${what} not answered; the worker's hub may be blocked`));
      return;
    }
    this.stats.errors++;
    this.stats.timeouts++;
    this.hooks.sendCancel(p.id);
    rejectPending(p, errors.timeout(p.limitMs, 'the worker did not answer within the deadline plus grace; agent.cancel sent'));
  }
}
