// A KV watch that survives the loss of any one node within seconds: a caller's
// results feed and the control center's hosts view. A KV watch is an R1
// ephemeral push consumer that nats.js recreates only after missed heartbeats,
// with a fixed 30 s heartbeat after the first recreation: when its node died,
// results kept being stored but reached nobody for 60-87 s. This feed is an R1
// ephemeral push consumer too (delivered to this connection's own inbox, which
// is all a caller's broker permissions allow) but with 500 ms heartbeats and
// our own watchdog: when it goes quiet (its node died), when the client
// reconnects (a restarted server forgot it) or when a delivery is missing, it
// is recreated from the last stream sequence handed on, so nothing stored
// meanwhile is skipped and nothing is handed on twice.
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { inboxOf } from './connect';
import { nanos } from './topology';

const HEARTBEAT_MS = 500;
const QUIET_MS = 1_500; // three heartbeats missed: the consumer's node is gone
const RETRY_MS = 250;

export type KvOp = 'PUT' | 'DEL' | 'PURGE';

export interface KvFeedOptions {
  name: string; // consumer name prefix: letters, digits, _ and - only
  stream: string; // KV_<bucket>
  prefix: string; // $KV.<bucket>.<key prefix> — keys are handed on without it
  replay: boolean; // start with the last value of every key (isUpdate false), else with what comes next
}

export class KvFeed {
  readonly stats = { recreated: 0 };
  private lastSeq = 0; // stream sequence of the last record handed on
  private lastDelivery = 0; // consumer sequence of the last delivery: a gap means one was lost
  private gen = 0;
  private sub: Subscription | null = null;
  private lastHeard = Date.now();
  private watchdog: NodeJS.Timeout | null = null;
  private recreating = false;
  private closed = false;
  private replaying = 0; // values of the first consumer's replay still to come (isUpdate false)

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly o: KvFeedOptions,
    private readonly onRecord: (key: string, data: Uint8Array, op: KvOp, isUpdate: boolean) => void,
  ) {}

  /** Resolves once the first consumer exists: records stored after this are handed on. */
  async start(): Promise<void> {
    const info = await this.jsm.streams.info(this.o.stream);
    this.lastSeq = this.o.replay ? 0 : info.state.last_seq;
    this.replaying = await this.create(this.o.replay);
    this.watchdog = setInterval(() => Date.now() - this.lastHeard > QUIET_MS && void this.recreate(), HEARTBEAT_MS);
    void this.watchConnection();
  }

  /** The consumer feeding now (tests find the node serving it from its info). */
  get consumerName(): string {
    return this.name(this.gen);
  }

  stop(): void {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.sub?.unsubscribe();
    void this.deleteConsumer(this.gen);
  }

  private name(gen: number): string {
    return `${this.o.name}_${gen}`;
  }

  /** A consumer from the last sequence handed on (or, replaying, from each key's last value); resolves with its pending count. */
  private async create(replay = false): Promise<number> {
    const gen = ++this.gen;
    const deliver = inboxOf(this.nc);
    this.sub?.unsubscribe();
    this.sub = this.nc.subscribe(deliver, { callback: (err, m) => void (err || this.onMessage(gen, m)) });
    this.lastDelivery = 0;
    this.lastHeard = Date.now();
    const from = replay
      ? { deliver_policy: DeliverPolicy.LastPerSubject }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 };
    const ci = await this.jsm.consumers.add(this.o.stream, {
      name: this.name(gen),
      filter_subject: `${this.o.prefix}>`,
      deliver_subject: deliver,
      ack_policy: AckPolicy.None,
      ...from,
      idle_heartbeat: nanos(HEARTBEAT_MS),
      flow_control: true,
      mem_storage: true,
      num_replicas: 1, // recreated in seconds on any node: cheaper than replicating every delivery's state
      inactive_threshold: nanos(30_000), // one whose client died is removed by the server
    });
    if (gen > 1) void this.deleteConsumer(gen - 1);
    return ci.num_pending;
  }

  private async deleteConsumer(gen: number): Promise<void> {
    await this.jsm.consumers.delete(this.o.stream, this.name(gen)).catch(() => undefined);
  }

  private onMessage(gen: number, m: Msg): void {
    if (gen !== this.gen || this.closed) return; // a previous consumer's last words
    this.lastHeard = Date.now();
    if (!m.reply?.startsWith('$JS.ACK.')) {
      // Idle heartbeat, or a flow-control request (it has a reply): answer it or delivery pauses.
      if (m.reply) m.respond();
      const stalled = m.headers?.get('Nats-Consumer-Stalled');
      if (stalled) this.nc.publish(stalled);
      return;
    }
    // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>, or with <domain>.<account hash> after ACK
    const t = m.reply.split('.');
    const at = t.length === 9 ? 5 : 7;
    const seq = Number(t[at]);
    const delivery = Number(t[at + 1]);
    if (delivery !== this.lastDelivery + 1) return void this.recreate(); // a delivery went missing: start again after the last one handed on
    this.lastDelivery = delivery;
    if (seq <= this.lastSeq) return; // a recreated consumer may repeat what the old one sent last
    this.lastSeq = seq;
    const op = (m.headers?.get('KV-Operation') || 'PUT') as KvOp;
    const isUpdate = this.replaying <= 0 || this.replaying-- <= 0;
    try {
      this.onRecord(m.subject.slice(this.o.prefix.length), m.data, op, isUpdate);
    } catch {
      // the reader checks records with a schema; whatever it throws must not end the feed
    }
  }

  private async recreate(): Promise<void> {
    if (this.recreating || this.closed) return;
    this.recreating = true;
    this.stats.recreated++;
    this.replaying = 0; // from here on, everything is news
    while (!this.closed) {
      try {
        await this.create();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    this.recreating = false;
  }

  /** After a reconnect the consumer may be gone with a restarted server: feed from a fresh one at once. */
  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (this.closed) return;
      if (s.type === 'reconnect') void this.recreate();
    }
  }
}
