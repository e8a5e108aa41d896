// A KV watch that survives the loss of any one node within seconds: a caller's
// results feed and the control center's hosts view. A KV watch is an R1
// ephemeral push consumer with a fixed 30 s idle heartbeat once nats.js
// recreates it: when its node died, results kept being stored but reached
// nobody for 60-87 s. This feed is an R1 ephemeral *pull* consumer on the
// bucket's stream, filtered to a key prefix, with 500 ms heartbeats on its pulls;
// when they stop (its node died), when the client reconnects (a restarted
// server forgot it) or when a pull fails, it is recreated from the last stream
// sequence handed on, so nothing stored meanwhile is skipped and nothing is
// handed on twice.
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from './topology';

const PULL_EXPIRES_MS = 1_000; // nats.js's least: heartbeats every 500 ms, two missed = the consumer's node is gone
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
  private gen = 0;
  private current: ConsumerMessages | null = null;
  private closed = false;
  private replaying = 0; // values of the first consumer's replay still to come (isUpdate false)

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly o: KvFeedOptions,
    private readonly onRecord: (key: string, data: Uint8Array, op: KvOp, isUpdate: boolean) => void,
  ) {}

  /** Resolves once the first consumer exists: records stored after this are handed on. */
  async start(): Promise<void> {
    const info = await this.jsm.streams.info(this.o.stream);
    this.lastSeq = this.o.replay ? 0 : info.state.last_seq;
    this.replaying = await this.create(this.o.replay);
    void this.watchConnection();
    void this.run();
  }

  /** The consumer feeding now (tests find the node serving it from its info). */
  get consumerName(): string {
    return this.name(this.gen);
  }

  stop(): void {
    this.closed = true;
    this.current?.stop();
    void this.deleteConsumer(this.gen);
  }

  private name(gen: number): string {
    return `${this.o.name}_${gen}`;
  }

  /** A consumer from the last sequence handed on (or, replaying, from each key's last value); resolves with its pending count. */
  private async create(replay = false): Promise<number> {
    const gen = ++this.gen;
    const from = replay ? { deliver_policy: DeliverPolicy.LastPerSubject } : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 };
    const ci = await this.jsm.consumers.add(this.o.stream, {
      name: this.name(gen),
      filter_subject: `${this.o.prefix}>`,
      ack_policy: AckPolicy.None,
      ...from,
      mem_storage: true,
      num_replicas: 1, // recreated in seconds on any node: cheaper than replicating every result's delivery state
      inactive_threshold: nanos(30_000), // a caller that died leaves no consumer behind
    });
    if (gen > 1) void this.deleteConsumer(gen - 1);
    return ci.num_pending;
  }

  private async deleteConsumer(gen: number): Promise<void> {
    await this.jsm.consumers.delete(this.o.stream, this.name(gen)).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        const c = await this.js.consumers.get(this.o.stream, this.name(this.gen));
        const msgs = await c.consume({ max_messages: 1_000, expires: PULL_EXPIRES_MS });
        this.current = msgs;
        void (async () => {
          for await (const s of msgs.status()) if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'consumer_deleted') msgs.stop();
        })();
        for await (const m of msgs) {
          if (m.seq <= this.lastSeq) continue; // a recreated consumer may repeat what the old one sent last
          this.lastSeq = m.seq;
          const op = (m.headers?.get('KV-Operation') || 'PUT') as KvOp;
          const isUpdate = this.replaying <= 0 || this.replaying-- <= 0;
          this.onRecord(m.subject.slice(this.o.prefix.length), m.data, op, isUpdate);
        }
      } catch {
        // the consumer's node is gone or the server is away: recreate below
      }
      if (this.closed) return;
      await this.recreate();
    }
  }

  private async recreate(): Promise<void> {
    this.stats.recreated++;
    this.replaying = 0; // from here on, everything is news
    while (!this.closed) {
      try {
        await this.create();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** After a reconnect the consumer may be gone with a restarted server: pull from a fresh one at once. */
  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (this.closed) return;
      if (s.type === 'reconnect') this.current?.stop();
    }
  }
}
