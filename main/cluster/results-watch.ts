// A caller's results feed that survives the loss of any one node within seconds.
// A KV watch is an R1 ephemeral push consumer with a fixed 30 s idle heartbeat
// once nats.js recreates it: when its node died, results kept being stored but
// reached nobody for 60-87 s. This feed is an R1 ephemeral *pull* consumer on
// the results stream, filtered to this caller's keys, with 1 s heartbeats on
// its pulls; when they stop (its node died), when the client reconnects (a
// restarted server forgot it) or when a pull fails, it is recreated from the
// last stream sequence handed on, so nothing stored meanwhile is skipped and
// nothing is handed on twice.
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from './topology';

const PULL_EXPIRES_MS = 2_000; // heartbeats every 1 s: two missed = the consumer's node is gone
const RETRY_MS = 250;

export class ResultsWatch {
  readonly stats = { recreated: 0 };
  private lastSeq = 0; // stream sequence of the last record handed on
  private gen = 0;
  private current: ConsumerMessages | null = null;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string, // KV_<bucket>
    private readonly prefix: string, // $KV.<bucket>.<caller id>.
    private readonly onRecord: (key: string, data: Uint8Array) => void, // key without the prefix
  ) {}

  /** Resolves once the first consumer exists: records stored after this are handed on. */
  async start(): Promise<void> {
    const info = await this.jsm.streams.info(this.stream);
    this.lastSeq = info.state.last_seq;
    await this.create();
    void this.watchConnection();
    void this.run();
  }

  /** The consumer feeding results now (tests find the node serving it from its info). */
  get consumerName(): string {
    return this.name(this.gen);
  }

  stop(): void {
    this.closed = true;
    this.current?.stop();
    void this.deleteConsumer(this.gen);
  }

  private name(gen: number): string {
    return `res_${this.prefix.split('.').at(-2)}_${gen}`;
  }

  private async create(): Promise<void> {
    const gen = ++this.gen;
    await this.jsm.consumers.add(this.stream, {
      name: this.name(gen),
      filter_subject: `${this.prefix}>`,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.lastSeq + 1,
      mem_storage: true,
      num_replicas: 1, // recreated in seconds on any node: cheaper than replicating every result's delivery state
      inactive_threshold: nanos(30_000), // a caller that died leaves no consumer behind
    });
    if (gen > 1) void this.deleteConsumer(gen - 1);
  }

  private async deleteConsumer(gen: number): Promise<void> {
    await this.jsm.consumers.delete(this.stream, this.name(gen)).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        const c = await this.js.consumers.get(this.stream, this.name(this.gen));
        const msgs = await c.consume({ max_messages: 1_000, expires: PULL_EXPIRES_MS });
        this.current = msgs;
        void (async () => {
          for await (const s of msgs.status()) if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'consumer_deleted') msgs.stop();
        })();
        for await (const m of msgs) {
          if (m.seq <= this.lastSeq) continue; // a recreated consumer may repeat what the old one sent last
          this.lastSeq = m.seq;
          if (m.headers?.get('KV-Operation')) continue; // DEL / PURGE
          this.onRecord(m.subject.slice(this.prefix.length), m.data);
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
