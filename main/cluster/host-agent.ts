// Host agent: one machine's share of a cluster pool. It pulls from the
// work-queue consumer only as many messages as it has free slots, runs each on
// its local GreenletProcessPool (which keeps recycling, health, deadlines),
// writes the result first-writer-wins, and only then acks. A worker crash
// naks with a delay (a plain nak would redeliver at once, ignoring backoff);
// an expired deadline terms. Poison is JetStream's max_deliver: the host that
// sees the last crash answers ERR_POISON_MESSAGE and the dead-letter router
// moves the message when the server's MAX_DELIVERIES advisory comes.
import { EventEmitter } from 'node:events';
import { jetstreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { errors, GreenletProcessPool, type PoolOptions, type TaskOutcome } from '../pool/index';
import { connectCluster, Link } from './connect';
import { HostControl } from './host-control';
import { HostHeartbeat } from './host-heartbeat';
import { Puller, type WorkMsg } from './puller';
import { JsPublisher } from './js-publish';
import { JS_TIMEOUT_MS, type ClusterOptions } from './options';
import { ensureConsumer, ensureStreams, HDR_DEADLINE, HDR_REPLY, HDR_TIMEOUT, isAlreadyExists, names, type Topology } from './topology';
import { emptyLatency, noOutcomes, observe, outcomeOf } from './counts';
import { Junk, readHostRecord } from './records';
import { encode, errorRecord, type ResultRecord } from './wire';
import { isHostSide } from '../../common/error-table';

export interface HostAgentOptions {
  cluster: ClusterOptions;
  hostId: string;
  pool: Partial<PoolOptions>;
  slots?: number; // messages taken at once; default minWorkers × concurrencyPerWorker, at most 256; never more than the pool accepts
}

interface InFlight {
  msg: WorkMsg;
  progressAt: number; // last ack/working() sent
}

const TOP_UP_SHARE = 8; // with work running, a pull waits until 1/8 of the slots are free
// A result is stored as a KV create(): a publish to the key's subject that the server accepts only
// if the key has no entry yet (first writer wins). Written here rather than through kv.create(),
// which is one awaited nats.js request per result (see js-publish.ts). One shared header set:
// headers are encoded when published, never kept.
const CREATE_ONLY = headers();
CREATE_ONLY.set('Nats-Expected-Last-Subject-Sequence', '0');
// A key part must be dot-separated subject tokens: a wildcard, a space or an empty token would
// store the result elsewhere (a caller id is `<credential name>.<id>` under a named credential).
const KEY_PART = /^(?=.{1,255}$)[-=\w]+(\.[-=\w]+)*$/;

export class HostAgent extends EventEmitter {
  readonly hostId: string;
  readonly pool: GreenletProcessPool;
  readonly capacity: number;
  readonly counters = { processed: 0, duplicates: 0, naks: 0, terms: 0 };
  // Counted when a result is stored, like `processed`: what callers got from this process.
  readonly outcomes = noOutcomes();
  readonly latency = emptyLatency();
  private readonly o: ClusterOptions;
  private readonly slotsNote: string;
  private nc: NatsConnection | null = null;
  private puller: Puller | null = null;
  private topo: Topology | null = null;
  private pub: JsPublisher | null = null;
  private resultsPrefix = '';
  private readonly inflight = new Map<WorkMsg, InFlight>(); // by delivery: a redelivery of the same stream seq is its own entry
  // In flight but done with the pool: its result is on the way to the server. It holds no slot (the
  // pool's room is what slots protect), so the next pull need not wait out a store round trip;
  // max_ack_pending still bounds what is delivered and unacked.
  private storing = 0;
  private stopping = false;
  private workingTimer: NodeJS.Timeout | null = null;
  private heartbeat: HostHeartbeat | null = null;
  private control: HostControl | null = null;
  private link: Link | null = null;
  readonly junk = new Junk((m) => this.emit('warn', m)); // malformed records read from the broker, dropped

  constructor(opts: HostAgentOptions) {
    super();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(opts.hostId)) throw errors.invalidOption('hostId', 'must be 1-64 letters, digits, _ or -');
    this.hostId = opts.hostId;
    this.o = opts.cluster;
    // maxRetries 0: a crash goes back to JetStream, so redelivery (maybe on another host) and the
    // poison count are the cluster's, not one host's.
    this.pool = new GreenletProcessPool({ ...opts.pool, maxRetries: 0 });
    const p = this.pool.opts;
    const wanted = opts.slots ?? Math.min(256, p.minWorkers * p.concurrencyPerWorker);
    if (!Number.isInteger(wanted) || wanted < 1) throw errors.invalidOption('slots', 'must be a positive integer');
    // More slots than the pool takes at once would have the surplus refused (queue full) and naked
    // with nakDelayMs: under a backlog every fetch then loses messages to a ~1 s redelivery.
    const accepts = p.minWorkers * p.concurrencyPerWorker + p.messageQueueSize;
    this.capacity = Math.min(wanted, accepts);
    this.slotsNote =
      wanted > accepts
        ? `slots ${wanted} is more than the local pool takes at once (minWorkers × concurrencyPerWorker + messageQueueSize = ${accepts}): using ${accepts}`
        : '';
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  async start(): Promise<void> {
    if (this.slotsNote) this.emit('warn', this.slotsNote);
    await this.pool.start();
    this.nc = await connectCluster(this.o, `gcc-host-${this.hostId}`);
    this.link = new Link(this.nc);
    // Pulls sent to a server that restarted are gone with it: pull afresh at once.
    this.link.reconnected(() => this.puller?.reset());
    const jsm = await jetstreamManager(this.nc);
    this.topo = await ensureStreams(this.nc, jsm, this.o);
    await ensureConsumer(jsm, this.o, await this.clusterCapacity(this.topo.hosts));
    this.pub = new JsPublisher(this.nc, JS_TIMEOUT_MS);
    this.resultsPrefix = `$KV.${names(this.o.pool).results}.`;
    this.puller = new Puller(
      this.nc,
      names(this.o.pool).stream,
      names(this.o.pool).consumer,
      () => this.wanted(),
      (m) => this.handle(m),
    );
    this.heartbeat = new HostHeartbeat(this, this.nc, this.topo.hosts, this.o);
    this.heartbeat.start();
    this.control = new HostControl(this, this.nc, this.o);
    this.control.start();
    const every = Math.floor(this.o.ackWaitMs / 3);
    this.workingTimer = setInterval(() => this.sendWorking(every), Math.max(250, Math.floor(every / 2)));
    this.puller.start();
  }

  /** Stops pulling, lets in-flight messages finish and their results go out, then leaves. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.heartbeat?.markDraining();
    const until = Date.now() + this.pool.opts.drainTimeout;
    while (this.inflight.size > 0 && Date.now() < until) await sleep(50);
    if (this.workingTimer) clearInterval(this.workingTimer);
    this.puller?.stop();
    await this.heartbeat?.stop();
    await this.pool.shutdown();
    this.pub?.close();
    await this.nc?.drain().catch(() => undefined);
  }

  // ---- pulling ----

  /** Pulls for the free slots (puller.ts: no pull is ever left open for a stopped host to hold). */
  private pump(): void {
    this.puller?.kick();
  }

  /** Free slots worth a pull: small top-ups wait while work runs (one pull per finished message would double the requests). */
  private wanted(): number {
    if (this.stopping) return 0;
    const busy = this.inflight.size - this.storing;
    const free = this.capacity - busy;
    return busy === 0 || free >= Math.ceil(this.capacity / TOP_UP_SHARE) ? free : 0;
  }

  // ---- one message ----

  private handle(m: WorkMsg): void {
    const delivery = m.info.deliveryCount;
    const deadline = Number(m.headers?.get(HDR_DEADLINE) || 0);
    const reply = m.headers?.get(HDR_REPLY) ?? '';
    const id = m.headers?.get('Nats-Msg-Id') ?? '';
    this.inflight.set(m, { msg: m, progressAt: Date.now() });
    if (this.stopping) return this.finish(m, null, 'nak'); // fetched while leaving: another host takes it now
    if (!KEY_PART.test(id) || !KEY_PART.test(reply)) return this.finish(m, null, 'term');
    const key = `${reply}.${id}`;
    const left = deadline > 0 ? deadline - Date.now() : Infinity;
    if (left <= 0)
      return this.finish(
        m,
        { key, rec: errorRecord(this.hostId, delivery, errors.timeout(0, 'deadline passed before any host started it')) },
        'term',
      );
    let data: unknown;
    try {
      data = m.json();
    } catch {
      return this.finish(m, { key, rec: errorRecord(this.hostId, delivery, errors.protocol('payload is not JSON')) }, 'term');
    }
    const runTimeout = Number(m.headers?.get(HDR_TIMEOUT) || this.pool.opts.timeout);
    const timeout = Math.max(1, Math.min(runTimeout, Number.isFinite(left) ? left : runTimeout));
    const started = Date.now();
    this.pool.executeWithInfo({ type: 'agent.process', data }, { timeout }).then(
      (out: TaskOutcome) => {
        const rec: ResultRecord = {
          ok: true,
          result: out.result,
          hostId: this.hostId,
          workerId: out.workerId,
          delivery,
          runMs: Date.now() - started,
        };
        this.finish(m, { key, rec, started }, 'ack');
      },
      (err: { code?: string; message?: string }) => this.onFailure(m, key, delivery, err, started),
    );
  }

  private onFailure(m: WorkMsg, key: string, delivery: number, err: { code?: string; message?: string }, started: number): void {
    const code = err.code ?? '';
    if (code === 'ERR_WORKER_CRASHED' || code === 'ERR_POISON_MESSAGE') {
      if (delivery >= this.o.maxDeliver) {
        // Last try: answer the caller now; the nak lets the server raise MAX_DELIVERIES for the dead-letter router.
        const poison = errors.poison(delivery, err.message);
        return this.finish(m, { key, rec: errorRecord(this.hostId, delivery, poison), started }, 'nak');
      }
      return this.finish(m, null, 'nak');
    }
    if (isHostSide(code)) return this.finish(m, null, 'nak'); // not the message's fault: another host may take it
    // The agent's own error, a run timeout, a protocol error: deterministic, answered once.
    this.finish(m, { key, rec: errorRecord(this.hostId, delivery, err), started }, code === 'ERR_TIMEOUT' ? 'term' : 'ack');
  }

  /** `started`: when this host began running it (absent for answers given without a run: expired, not JSON). */
  private finish(m: WorkMsg, out: { key: string; rec: ResultRecord; started?: number } | null, then: 'ack' | 'nak' | 'term'): void {
    const settle = (stored = true) => {
      if (!stored) then = 'nak'; // never ack (nor term) a message whose answer was not stored: redeliver it
      this.inflight.delete(m);
      // Through the publisher's outbox: an ack leaves in the same write as this turn's results.
      if (then === 'ack') this.pub!.later(() => m.ack());
      else if (then === 'term') {
        this.counters.terms++;
        this.pub!.later(() => m.term());
      } else {
        this.counters.naks++;
        const delay = this.o.nakDelayMs + Math.floor(Math.random() * (this.o.nakJitterMs + 1));
        this.pub!.later(() => m.nak(delay));
      }
      this.pump();
    };
    if (!out) return settle();
    this.storing++;
    this.pump();
    void this.writeResult(out.key, out.rec, out.started).then(
      () => (this.storing--, settle()),
      () => (this.storing--, settle(false)),
    );
  }

  /** First writer wins; retried through a server restart (the in-flight entry keeps working() going meanwhile). */
  private async writeResult(key: string, rec: ResultRecord, started?: number): Promise<void> {
    const subject = this.resultsPrefix + key;
    const data = encode(rec);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.link!.connectedOr(5_000);
        await this.link!.guard(this.pub!.publish(subject, data, CREATE_ONLY));
        return this.stored(rec, started);
      } catch (err) {
        if (isAlreadyExists(err)) {
          // A redelivery raced us and lost (the caller already has its one answer) — or, on a retry,
          // our own earlier create() landed before its answer was lost.
          if (attempt > 0 && (await this.isOurs(key, rec))) return this.stored(rec, started);
          this.counters.duplicates++;
          return;
        }
        if (this.nc?.isClosed() || attempt > 2_400) throw err; // ~10 min of retries
        await this.link!.pause(Math.min(250, 50 * 2 ** Math.min(attempt, 3)));
      }
    }
  }

  private stored(rec: ResultRecord, started?: number): void {
    this.counters.processed++;
    this.outcomes[outcomeOf(rec)]++;
    // time from taking the message to its answer being stored, answers only (as the engine's histogram)
    if (rec.ok && started !== undefined) observe(this.latency, Date.now() - started);
    this.heartbeat?.soon();
  }

  private async isOurs(key: string, rec: ResultRecord): Promise<boolean> {
    const e = await this.topo!.results.get(key).catch(() => null);
    let stored: Partial<ResultRecord> | undefined;
    try {
      stored = e?.json<Partial<ResultRecord>>();
    } catch {
      return false; // not a record of ours, whatever it is: the answer exists, count it as another's
    }
    return stored?.hostId === rec.hostId && stored?.delivery === rec.delivery;
  }

  private sendWorking(every: number): void {
    const now = Date.now();
    for (const f of this.inflight.values()) {
      if (now - f.progressAt >= every) {
        f.msg.working(); // long message: tell the server we are on it so ack_wait does not redeliver it
        f.progressAt = now;
      }
    }
  }

  private async clusterCapacity(hosts: KV): Promise<number> {
    let total = this.capacity;
    for await (const key of await hosts.keys()) {
      if (key === this.hostId) continue;
      const e = await hosts.get(key);
      if (e?.operation === 'PUT') total += readHostRecord(e.value, this.junk, `hosts key ${key}`)?.capacity ?? 0;
    }
    // Room for a stalled host's messages until their ack_wait expires, on top of everyone's slots.
    return Math.max(64, total * 2);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
