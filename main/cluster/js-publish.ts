// Pipelined JetStream publishing: many publishes in flight on one connection,
// their PubAcks matched through one reply subscription. nats.js's
// js.publish() is a request per message — its own timer, its own mux entry,
// and after every successful reply an Error("cancelled") built with a stack
// (nats-core request.js RequestOne.cancel), measured at ~6 % of a host's CPU.
// Here a publish is one HPUB with a reply subject; a PubAck is one map lookup;
// one sweep timer expires what got no answer. Retrying is the caller's: with
// the same Nats-Msg-Id (work stream) or the same expected-last-sequence
// header (results bucket) a repeat is harmless.
// Sends are gathered until the event loop's check phase (setImmediate) and
// handed to nats.js in one synchronous run, which it writes to the socket as
// one buffer: publishes made from many promise continuations otherwise each
// hit a microtask flush of their own, one write() syscall per message (~17 %
// of a host's CPU, profiled).
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

export interface PubAck {
  stream: string;
  seq: number;
  duplicate?: boolean;
}

/** A publish the server refused (err_code from the PubAck) or that got no PubAck in time (code 'timeout'). */
export class PublishError extends Error {
  constructor(
    readonly code: number | 'timeout' | 'no-responders' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

interface Waiting {
  resolve: (a: PubAck) => void;
  reject: (e: PublishError) => void;
  expiresAt: number;
}

const SWEEP_MS = 250;
const decoder = new TextDecoder();

export class JsPublisher {
  private readonly prefix: string;
  private readonly waiting = new Map<number, Waiting>(); // insertion order = send order: the sweep stops at the first live one
  private readonly sub: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;
  private outbox: Array<() => void> = [];
  private flushScheduled = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {
    // The connection's own inbox prefix: permissions that allow `<prefix>.>` for replies cover this too.
    this.prefix = `${createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix)}.`;
    this.sub = nc.subscribe(`${this.prefix}*`, { callback: (err, m) => (err ? undefined : this.onReply(m)) });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Messages sent whose PubAck has not come back yet. */
  get inFlight(): number {
    return this.waiting.size;
  }

  /**
   * `now`: the caller has gathered this turn's sends already (an envelope), so it leaves at once
   * instead of one more loop turn later, behind whatever I/O that turn brings.
   */
  publish(subject: string, payload: Uint8Array | string, headers?: MsgHdrs, now = false): Promise<PubAck> {
    const token = ++this.next;
    return new Promise<PubAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, expiresAt: Date.now() + this.timeoutMs });
      const send = () => {
        try {
          this.nc.publish(subject, payload, { reply: this.prefix + token, headers });
        } catch (err) {
          this.waiting.delete(token);
          reject(new PublishError('closed', (err as Error).message));
        }
      };
      if (now) send();
      else this.later(send);
    });
  }

  /** Runs `send` (a publish, an ack) with the others of this loop turn, so they leave in one write. */
  later(send: () => void): void {
    this.outbox.push(send);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const sends = this.outbox;
    this.outbox = [];
    for (const send of sends) {
      try {
        send();
      } catch {
        // An ack or nak on a closed connection: the server redelivers after ack_wait, as for a lost ack.
      }
    }
  };

  close(): void {
    this.flush();
    clearInterval(this.sweeper);
    this.sub.unsubscribe();
    for (const w of this.waiting.values()) w.reject(new PublishError('closed', 'publisher closed'));
    this.waiting.clear();
  }

  private onReply(m: Msg): void {
    const token = Number(m.subject.slice(this.prefix.length));
    const w = this.waiting.get(token);
    if (!w) return; // expired already: its caller has retried or given up
    this.waiting.delete(token);
    if (m.data.length === 0) return w.reject(new PublishError('no-responders', 'no JetStream stream answered (server starting or stream missing)'));
    let a: PubAck & { error?: { err_code?: number; code?: number; description?: string } };
    try {
      a = JSON.parse(decoder.decode(m.data)) as typeof a;
    } catch {
      return w.reject(new PublishError(0, 'PubAck is not JSON'));
    }
    if (a.error) w.reject(new PublishError(a.error.err_code ?? a.error.code ?? 0, a.error.description ?? 'publish refused'));
    else w.resolve(a);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, w] of this.waiting) {
      if (w.expiresAt > now) return;
      this.waiting.delete(token);
      w.reject(new PublishError('timeout', `no PubAck within ${this.timeoutMs} ms`));
    }
  }
}
