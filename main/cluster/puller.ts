// How a host takes work from the consumer without leaving a pull open that a
// stopped host could not serve. The server feeds an open pull request until it
// expires, whether or not its host still runs: with one host SIGSTOPped, its
// pulls kept taking messages that then waited out ack_wait while the other
// hosts idled. So a host never leaves a pull that can take a message open:
//   - it takes work with no_wait pulls (the server answers at once with what is
//     there, up to the free slots, then ends the request: 404 when short);
//   - when there was nothing, it arms a doorbell: a pull with max_bytes 1 that
//     no message fits, which the server ends with 409 "Message Size Exceeds
//     MaxBytes" as soon as a message arrives, *leaving the message undelivered*.
//     Every idle host's doorbell rings; the running ones pull; a stopped one
//     takes nothing.
// The cost is one round trip (the doorbell) on an idle cluster's first message.
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { inboxOf } from './connect';
import { nanos } from './topology';

const BELL_EXPIRES_MS = 1_000; // re-armed each second: a doorbell left on a lost consumer leader ends soon
const PULL_LOST_MS = 1_000; // a no_wait pull is answered at once; no answer in this long = lost with its node
const RETRY_MS = 100;

/** A delivered work message: the subset of nats.js's JsMsg the host uses, acked on its reply subject. */
export class WorkMsg {
  readonly info: { deliveryCount: number; streamSequence: number };
  constructor(private readonly m: Msg) {
    // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending> (9 tokens), or with <domain>.<account hash> after ACK
    const t = (m.reply ?? '').split('.');
    const at = t.length === 9 ? 4 : 6;
    this.info = { deliveryCount: Number(t[at]) || 1, streamSequence: Number(t[at + 1]) || 0 };
  }
  get data(): Uint8Array {
    return this.m.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.m.headers;
  }
  json<T>(): T {
    return this.m.json<T>();
  }
  ack(): void {
    this.m.respond('+ACK');
  }
  nak(delayMs: number): void {
    this.m.respond(`-NAK ${JSON.stringify({ delay: nanos(delayMs) })}`);
  }
  term(): void {
    this.m.respond('+TERM');
  }
  working(): void {
    this.m.respond('+WPI');
  }
}

export class Puller {
  readonly stats = { pulls: 0, rings: 0, lost: 0, tooBig: 0 };
  private sub: Subscription | null = null;
  private readonly inbox: string;
  private readonly api: string;
  private pull: { id: number; n: number; got: number; maxBytes?: number; timer: NodeJS.Timeout } | null = null;
  private tooBigAt = 0; // the byte bound the next message did not fit (0: none)
  private bell: { id: number; timer: NodeJS.Timeout } | null = null;
  private seq = 0;
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    stream: string,
    consumer: string,
    private readonly want: () => { n: number; maxBytes?: number }, // messages (and bytes) worth pulling now (n 0: none)
    private readonly onMsg: (m: WorkMsg) => void,
    private readonly idle: () => boolean = () => false, // nothing running: a message too big for maxBytes is taken alone
  ) {
    this.api = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`;
    this.inbox = inboxOf(nc); // under the host's own prefix: the only replies its broker user may read
  }

  start(): void {
    this.sub = this.nc.subscribe(`${this.inbox}.>`, { callback: (err, m) => void (err || this.onMessage(m)) });
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
    this.sub?.unsubscribe();
  }

  /** After a reconnect the server forgot every request: start over. */
  reset(): void {
    this.clear();
    this.kick();
  }

  /** Pulls what `want()` allows, unless a pull is already open. Called whenever a slot frees. */
  kick(): void {
    if (this.stopped || this.pull) return;
    const { n, maxBytes } = this.want();
    if (n <= 0) return;
    // The next message did not fit `tooBigAt` bytes: a slot or two more would not fit it either, and
    // every try is a round trip and a refusal for the server (at 1,000 outstanding, one per answer).
    if (this.tooBigAt && maxBytes && maxBytes < this.tooBigAt * 1.5 && !this.idle()) return; // (no maxBytes: unbounded, it fits)
    this.tooBigAt = 0;
    this.pullFor(n, maxBytes);
  }

  private pullFor(n: number, maxBytes?: number): void {
    const id = ++this.seq;
    this.stats.pulls++;
    this.pull = { id, n, got: 0, maxBytes, timer: setTimeout(() => this.endPull(id, true), PULL_LOST_MS) };
    this.request(`p${id}`, { batch: n, no_wait: true, ...(maxBytes ? { max_bytes: maxBytes } : {}) });
  }

  private clear(): void {
    if (this.pull) clearTimeout(this.pull.timer);
    if (this.bell) clearTimeout(this.bell.timer);
    this.pull = this.bell = null;
    this.tooBigAt = 0;
  }

  private request(tag: string, body: Record<string, unknown>): void {
    try {
      this.nc.publish(this.api, JSON.stringify(body), { reply: `${this.inbox}.${tag}` });
    } catch {
      // closed or draining: the reconnect (reset) or stop decides what comes next
    }
  }

  private onMessage(m: Msg): void {
    if (m.reply?.startsWith('$JS.ACK.')) {
      const p = this.pull;
      this.onMsg(new WorkMsg(m)); // a message of a pull given up as lost is still ours to run
      if (p && ++p.got >= p.n) this.endPull(p.id, false);
      return;
    }
    const tag = m.subject.slice(this.inbox.length + 1);
    const code = m.headers?.code ?? 0;
    if (tag === `p${this.pull?.id}`) {
      if (code === 409 && /MaxBytes/i.test(m.headers?.description ?? '')) return this.tooBig(this.pull!.id);
      this.endPull(this.pull!.id, false, code === 404 || code === 408);
    } else if (tag === `b${this.bell?.id}`) {
      clearTimeout(this.bell!.timer);
      this.bell = null;
      if (code === 409 && /MaxBytes/i.test(m.headers?.description ?? '')) {
        this.stats.rings++;
        this.kick();
      } else if (code === 408) this.armBell();
      else setTimeout(() => this.armBell(), RETRY_MS); // leadership change, max waiting …: re-arm shortly
    }
  }

  /**
   * The next message does not fit the free slots' bytes: it stays on the server for a host with
   * room. A slot freed here pulls again; a host with nothing running takes it alone.
   */
  private tooBig(id: number): void {
    if (!this.pull || this.pull.id !== id) return;
    clearTimeout(this.pull.timer);
    this.tooBigAt = this.pull.maxBytes ?? 0;
    this.pull = null;
    this.stats.tooBig++;
    if (this.idle()) this.pullFor(1);
  }

  /** A pull ended: full → pull again; empty (404/408) → wait for the doorbell; lost or refused → retry soon. */
  private endPull(id: number, lost: boolean, empty = false): void {
    if (!this.pull || this.pull.id !== id) return;
    const full = this.pull.got >= this.pull.n;
    clearTimeout(this.pull.timer);
    this.pull = null;
    if (lost) this.stats.lost++;
    if (full) this.kick();
    else if (empty) this.armBell();
    else setTimeout(() => (this.kick(), this.armBell()), RETRY_MS);
  }

  private armBell(): void {
    if (this.stopped || this.bell || this.pull) return;
    const id = ++this.seq;
    this.bell = { id, timer: setTimeout(() => ((this.bell = null), this.armBell()), BELL_EXPIRES_MS + PULL_LOST_MS) };
    this.request(`b${id}`, { batch: 1, max_bytes: 1, expires: nanos(BELL_EXPIRES_MS) });
  }
}
