// Host agent: one machine's share of a cluster pool. It pulls from the
// work-queue consumer only as many messages as it has free slots, runs each on
// its local GreenletProcessPool (which keeps recycling, health, deadlines),
// writes the result first-writer-wins, and only then acks. A worker crash
// naks with a delay (a plain nak would redeliver at once, ignoring backoff);
// an expired deadline terms. Poison is JetStream's max_deliver: the host that
// sees the last crash answers ERR_POISON_MESSAGE and the dead-letter router
// moves the message when the server's MAX_DELIVERIES advisory comes.
// An envelope (several messages in one, envelope.ts) is run member by member
// the same way by host-envelope.ts; its members take one slot each.
import { EventEmitter } from 'node:events';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errors, GreenletProcessPool, type PoolOptions, type TaskOutcome } from '../pool/index';
import { connectCluster, Link } from './connect';
import { HostControl } from './host-control';
import { clusterCapacity, HostHeartbeat } from './host-heartbeat';
import { Puller, type WorkMsg } from './puller';
import { JsPublisher } from './js-publish';
import { HostResults } from './host-results';
import { Slots } from './slots';
import { JS_TIMEOUT_MS, type ClusterOptions } from './options';
import { ensureConsumer, ensureStreams, HDR_DEADLINE, HDR_REPLY, HDR_TIMEOUT, names, type Topology } from './topology';
import { emptyLatency, noOutcomes, observe, outcomeOf } from './counts';
import { Junk } from './records';
import { errorRecord, type ResultRecord } from './wire';
import { HDR_BATCH, readEnvelope, type Member } from './envelope';
import { EnvelopeJob, noEnvelopeStats, type EnvelopeHost, type RunResult, type Verb } from './host-envelope';
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
  members: number; // messages it carries (an envelope: its members)
}

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
  readonly envelopeStats = noEnvelopeStats();
  private readonly o: ClusterOptions;
  private readonly slotsNote: string;
  private nc: NatsConnection | null = null;
  private puller: Puller | null = null;
  private topo: Topology | null = null;
  private pub: JsPublisher | null = null;
  private results: HostResults | null = null;
  private readonly inflight = new Map<WorkMsg, InFlight>(); // by delivery: a redelivery of the same stream seq is its own entry
  // Members on the local pool. A message whose result is on its way to the server holds no slot
  // (the pool's room is what slots protect), so the next pull need not wait out a store round
  // trip; max_ack_pending still bounds what is delivered and unacked.
  private readonly slots: Slots;
  private readonly envelopeHost: EnvelopeHost;
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
    this.slots = new Slots(this.capacity, () => this.pump());
    this.envelopeHost = {
      hostId: this.hostId,
      run: (member, delivery) => this.runOne(member, delivery),
      createOnly: (key, owner, json) => this.results!.createOnly(key, owner, json),
      storeOne: (key, rec, started) => this.storeOne(key, rec, started),
      readGroup: (key) => this.results!.readGroup(key),
      exists: (key) => this.results!.exists(key),
      stored: (rec, started) => this.stored(rec, started),
      duplicate: () => void this.counters.duplicates++,
      envelopeStats: this.envelopeStats,
    };
    this.slotsNote =
      wanted > accepts
        ? `slots ${wanted} is more than the local pool takes at once (minWorkers × concurrencyPerWorker + messageQueueSize = ${accepts}): using ${accepts}`
        : '';
  }

  /** Messages delivered and not yet acked/naked, envelope members counted one by one (read once a heartbeat). */
  get inFlight(): number {
    let n = 0;
    for (const f of this.inflight.values()) n += f.members;
    return n;
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
    await ensureConsumer(jsm, this.o, await clusterCapacity(this.topo.hosts, this.hostId, this.capacity, this.junk));
    this.pub = new JsPublisher(this.nc, JS_TIMEOUT_MS);
    this.results = new HostResults(this.nc, this.link, this.pub, this.topo.results, `$KV.${names(this.o.pool).results}.`, this.junk);
    this.puller = new Puller(
      this.nc,
      names(this.o.pool).stream,
      names(this.o.pool).consumer,
      () => this.wanted(),
      (m) => this.handle(m),
      () => !this.stopping && this.slots.idle,
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

  private wanted(): { n: number; maxBytes: number } {
    return this.stopping ? { n: 0, maxBytes: 0 } : this.slots.wanted();
  }

  // ---- one message ----

  private handle(m: WorkMsg): void {
    const delivery = m.info.deliveryCount;
    const reply = m.headers?.get(HDR_REPLY) ?? '';
    const id = m.headers?.get('Nats-Msg-Id') ?? '';
    if (m.headers?.get(HDR_BATCH)) return this.handleEnvelope(m, delivery, reply, id);
    this.track(m, 1);
    this.slots.observe(1, m.data.length);
    if (this.stopping) return this.settle(m, 'nak'); // fetched while leaving: another host takes it now
    if (!KEY_PART.test(id) || !KEY_PART.test(reply)) return this.settle(m, 'term');
    const key = `${reply}.${id}`;
    let data: unknown;
    try {
      data = m.json();
    } catch {
      return this.finish(m, { key, rec: errorRecord(this.hostId, delivery, errors.protocol('payload is not JSON')) }, 'term');
    }
    const rt = Number(m.headers?.get(HDR_TIMEOUT) || 0);
    const member: Member = { i: id, d: data, dl: Number(m.headers?.get(HDR_DEADLINE) || 0), ...(rt > 0 ? { rt } : {}) };
    void this.runOne(member, delivery).then((r) => this.finish(m, r.rec ? { key, rec: r.rec, started: r.started } : null, r.then));
  }

  private handleEnvelope(m: WorkMsg, delivery: number, reply: string, envelopeId: string): void {
    const members = readEnvelope(m.data, this.junk, `envelope ${envelopeId.slice(0, 100)}`);
    this.track(m, members?.length ?? 1);
    if (this.stopping) return this.settle(m, 'nak');
    // No answer can be addressed without valid keys: dropped, as a lone message would be.
    if (!members || !KEY_PART.test(envelopeId) || !KEY_PART.test(reply) || members.some((x) => !KEY_PART.test(x.i))) return this.settle(m, 'term');
    this.slots.observe(members.length, m.data.length);
    const job = new EnvelopeJob(this.envelopeHost, members, `${reply}.`, `${reply}.${envelopeId}`, delivery, (verb) => this.settle(m, verb));
    void job.start();
  }

  /** Runs one message on the local pool once it has a slot; never rejects. */
  private async runOne(member: Member, delivery: number): Promise<RunResult> {
    await this.slots.acquire();
    try {
      const left = member.dl > 0 ? member.dl - Date.now() : Infinity;
      if (left <= 0)
        return { rec: errorRecord(this.hostId, delivery, errors.timeout(0, 'deadline passed before any host started it')), then: 'term' };
      const runTimeout = member.rt ?? this.pool.opts.timeout;
      const timeout = Math.max(1, Math.min(runTimeout, Number.isFinite(left) ? left : runTimeout));
      const started = performance.now(); // sub-ms: an echo answered in 0.4 ms is not 0 ms in the figures
      try {
        const out: TaskOutcome = await this.pool.executeWithInfo({ type: 'agent.process', data: member.d }, { timeout });
        const rec: ResultRecord = {
          ok: true,
          result: out.result,
          hostId: this.hostId,
          workerId: out.workerId,
          delivery,
          runMs: Math.round((performance.now() - started) * 100) / 100,
        };
        return { rec, started, then: 'ack' };
      } catch (err) {
        return this.failure(delivery, err as { code?: string; message?: string }, started);
      }
    } finally {
      this.slots.release();
    }
  }

  private failure(delivery: number, err: { code?: string; message?: string }, started: number): RunResult {
    const code = err.code ?? '';
    if (code === 'ERR_WORKER_CRASHED' || code === 'ERR_POISON_MESSAGE') {
      // Last try: answer the caller now; the nak lets the server raise MAX_DELIVERIES for the dead-letter router.
      if (delivery >= this.o.maxDeliver)
        return { rec: errorRecord(this.hostId, delivery, errors.poison(delivery, err.message)), started, then: 'nak' };
      return { rec: null, then: 'nak' };
    }
    if (isHostSide(code)) return { rec: null, then: 'nak' }; // not the message's fault: another host may take it
    // The agent's own error, a run timeout, a protocol error: deterministic, answered once.
    return { rec: errorRecord(this.hostId, delivery, err), started, then: code === 'ERR_TIMEOUT' ? 'term' : 'ack' };
  }

  /** `started`: when this host began running it (absent for answers given without a run: expired, not JSON). */
  private finish(m: WorkMsg, out: { key: string; rec: ResultRecord; started?: number } | null, then: Verb): void {
    if (!out) return this.settle(m, then);
    void this.storeOne(out.key, out.rec, out.started).then(
      () => this.settle(m, then),
      () => this.settle(m, 'nak'), // never ack (nor term) a message whose answer was not stored: redeliver it
    );
  }

  /** One answer under its own key, counted: stored, or a duplicate (a redelivery raced us and lost: the caller already has its one answer). */
  private async storeOne(key: string, rec: ResultRecord, started?: number): Promise<'stored' | 'exists'> {
    const how = await this.results!.createOnly(key, rec, JSON.stringify(rec));
    if (how === 'stored') this.stored(rec, started);
    else this.counters.duplicates++;
    return how;
  }

  private track(m: WorkMsg, members: number): void {
    this.inflight.set(m, { msg: m, progressAt: Date.now(), members });
  }

  private settle(m: WorkMsg, then: Verb): void {
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
  }

  private stored(rec: ResultRecord, started?: number): void {
    this.counters.processed++;
    this.outcomes[outcomeOf(rec)]++;
    // time from taking the message to its answer being stored, answers only (as the engine's histogram)
    if (rec.ok && started !== undefined) observe(this.latency, performance.now() - started);
    this.heartbeat?.soon();
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
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
