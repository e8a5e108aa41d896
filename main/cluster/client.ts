// Cluster client: execute() publishes to the work stream with Nats-Msg-Id =
// message id (a re-publish after a lost PubAck is dropped by the server's
// duplicate window) and a deadline header. The messages sent in one event-loop
// turn leave together as envelopes (envelope.ts); a lone one as itself.
// Publishes are pipelined (js-publish.ts): up to MAX_UNACKED in flight, each
// retried with the same id until its PubAck or the deadline; nothing waits for
// a PubAck before sending the next. Results arrive through one KV watch on this
// client's own key prefix, one answer or a group of them per key; the bucket's
// create()-only writes mean one answer per message can exist, and `pending`
// settles each caller once whatever arrives.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errors, PoolError } from '../pool/index';
import { connectCluster, Link } from './connect';
import { ClusterError, JS_TIMEOUT_MS, type ClusterOptions } from './options';
import { JsPublisher } from './js-publish';
import { Deadlines } from './deadlines';
import { KvFeed } from './kv-feed';
import { ensureStreams, names } from './topology';
import { Junk } from './records';
import { pack, readAnswer, workMessage, type Outgoing } from './envelope';
import type { ResultRecord } from './wire';

export interface ClusterOutcome {
  result: unknown;
  hostId: string;
  workerId?: string;
  delivery: number;
  latencyMs: number;
  runMs?: number; // time on the host, pool included
}

/** A cluster task while its caller waits, as far as this client knows. */
export interface ClusterTaskProgress {
  elapsedMs: number; // since execute()
  publishTries: number; // publishes sent (a lost PubAck is retried with the same id)
  sincePublishedMs?: number; // present once the server stored it: waiting for a host since
}

interface Pending {
  resolve: (o: ClusterOutcome) => void;
  reject: (e: Error) => void;
  timeoutMs: number;
  startedAt: number;
  publishTries: number;
  publishedAt?: number; // the server's PubAck came: the message waits in the work stream for a host
}

// Publishes in flight without a PubAck. Bounds what a disconnected client buffers and what a
// server restart has to time out and resend; far above any one caller's useful window.
const MAX_UNACKED = 4_096;
const PUBACK_TIMEOUT_MS = JS_TIMEOUT_MS; // a PubAck lost with its node is retried after 2 s
const GATHER_ABOVE = 32; // outstanding messages above which a turn's few sends wait GATHER_MS for others to share an envelope
const GATHER_MIN = 8; // a turn with this many sends is company enough
const GATHER_MS = 1;
const PACK_BELOW_MS = 10; // messages whose answers took less than this on their host (running average) are packed

export class ClusterClient {
  readonly clientId: string; // its results prefix; under the credential's name, which the broker lets it read
  readonly stats = { published: 0, envelopes: 0, republished: 0, settled: 0, lateResults: 0, duplicateResults: 0 };
  private nc: NatsConnection | null = null;
  private pub: JsPublisher | null = null;
  private workSubject = '';
  private readonly unackedWaiters: Array<() => void> = []; // publishes waiting for a free place below MAX_UNACKED
  private watch: KvFeed | null = null;
  private link: Link | null = null;
  private seq = 0;
  private envelopeSeq = 0;
  private runMsAvg: number | null = null; // how long answered messages ran on their hosts, moving average
  private outgoing: Outgoing[] = []; // sent this turn (or, under load, this millisecond): packed into envelopes at the flush
  private flushScheduled = false;
  private gathering: NodeJS.Timeout | null = null; // a few sends waiting for company (flush)
  private closed = false;
  private ownsConnection = false;
  private readonly pending = new Map<string, Pending>();
  private readonly deadlines = new Deadlines((id) =>
    this.settle(id, null, errors.timeout(this.pending.get(id)?.timeoutMs ?? 0, 'no host answered within the cluster deadline')),
  );
  readonly junk = new Junk((m) => console.warn(`[cluster client] ${m}`)); // malformed results under our prefix, dropped
  private readonly answered = new Map<string, 'result' | 'other'>(); // how each settled id ended, to tell a duplicate from a late result

  constructor(readonly o: ClusterOptions) {
    const own = `c${randomBytes(6).toString('hex')}`;
    this.clientId = o.auth.name ? `${o.auth.name}.${own}` : own;
  }

  get connection(): NatsConnection {
    if (!this.nc) throw new ClusterError('ERR_CLUSTER_CLOSED', 'cluster client is not started');
    return this.nc;
  }

  async start(nc?: NatsConnection): Promise<void> {
    this.ownsConnection = nc === undefined;
    this.nc = nc ?? (await connectCluster(this.o, `gcc-client-${this.clientId}`));
    this.pub = new JsPublisher(this.nc, PUBACK_TIMEOUT_MS);
    this.workSubject = names(this.o.pool).workSubject;
    this.link = new Link(this.nc);
    const jsm = await jetstreamManager(this.nc);
    await ensureStreams(this.nc, jsm, this.o);
    const bucket = names(this.o.pool).results;
    const feedJsm = await jetstreamManager(this.nc, { timeout: JS_TIMEOUT_MS, checkAPI: false }); // recreating the feed must not wait 5 s on a lost node
    const feed = {
      name: `res_${this.clientId.replace(/\./g, '_')}`,
      stream: `KV_${bucket}`,
      prefix: `$KV.${bucket}.${this.clientId}.`,
      replay: false,
    };
    this.watch = new KvFeed(this.nc, feedJsm, feed, (id, data, op) => {
      if (op !== 'PUT') return;
      const answer = readAnswer(data, this.junk, `results key ${this.clientId}.${id}`);
      if (answer?.kind === 'one') this.onResult(id, answer.rec);
      else if (answer) for (const [member, rec] of Object.entries(answer.recs)) this.onResult(member, rec);
    });
    await this.watch.start();
  }

  /** The results feed: how often it was recreated (its node lost, the server restarted) and its consumer now. */
  get resultsFeed(): { recreated: number; stream: string; consumer: string } {
    return { recreated: this.watch?.stats.recreated ?? 0, stream: `KV_${names(this.o.pool).results}`, consumer: this.watch?.consumerName ?? '' };
  }

  /** Runs `data` on some host; rejects with the engine's error codes (ERR_POISON_MESSAGE, ERR_TIMEOUT, ERR_AGENT …). */
  execute(data: unknown, opts: { timeout?: number; runTimeout?: number } = {}): Promise<ClusterOutcome> {
    return this.executeTracked(data, opts).promise;
  }

  /** execute() with what the message waits on as far as this client knows (the Tasks view asks while it waits). */
  executeTracked(
    data: unknown,
    opts: { timeout?: number; runTimeout?: number } = {},
  ): { promise: Promise<ClusterOutcome>; progress: () => ClusterTaskProgress | null } {
    if (this.closed || !this.pub) return { promise: Promise.reject(errors.poolClosed()), progress: () => null };
    const id = `${this.clientId}-${++this.seq}`;
    const timeout = opts.timeout ?? this.o.timeoutMs;
    const startedAt = Date.now();
    const promise = new Promise<ClusterOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, timeoutMs: timeout, startedAt, publishTries: 0 });
      this.deadlines.add(id, startedAt + timeout);
      this.outgoing.push({ id, json: JSON.stringify(data ?? null), deadline: startedAt + timeout, runTimeout: opts.runTimeout });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
    return { promise, progress: () => this.progress(id) };
  }

  /**
   * Null once settled. Between the PubAck and the result this client hears nothing: which host took
   * the message and how often it was redelivered show only in the result (or the host records).
   */
  private progress(id: string): ClusterTaskProgress | null {
    const p = this.pending.get(id);
    if (!p) return null;
    const now = Date.now();
    return {
      elapsedMs: now - p.startedAt,
      publishTries: p.publishTries,
      ...(p.publishedAt === undefined ? {} : { sincePublishedMs: now - p.publishedAt }),
    };
  }

  get outstanding(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.gathering) clearTimeout(this.gathering);
    for (const id of [...this.pending.keys()]) this.settle(id, null, errors.poolClosed());
    this.watch?.stop();
    for (const wake of this.unackedWaiters.splice(0)) wake();
    this.pub?.close();
    if (this.ownsConnection) await this.nc?.drain().catch(() => undefined);
  }

  /**
   * Sends that arrive one per turn (an HTTP or A2A request each) would never share an envelope. When
   * a turn gathered only a few while many short messages are outstanding, they wait up to GATHER_MS
   * for company: a millisecond on a path already queueing for several, against one broker message
   * each. A turn that gathered enough (a pipelined caller's answers come in groups) leaves at once.
   */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const few = this.outgoing.length < GATHER_MIN;
    if (this.gathering) {
      if (few) return; // the gather's timer sends these too
      clearTimeout(this.gathering);
      this.gathering = null;
    } else if (few && this.pending.size > GATHER_ABOVE && this.packing()) {
      this.gathering = setTimeout(() => ((this.gathering = null), this.send()), GATHER_MS);
      return;
    }
    this.send();
  };

  private send(): void {
    const items = this.outgoing;
    this.outgoing = [];
    const groups = this.packing() ? pack(items) : items.map((it) => [it]);
    for (const group of groups) void this.publish(group);
  }

  /**
   * Envelopes only for short messages. A host takes a whole envelope, so members beyond its free
   * slots wait on it while another host may idle: for messages that take a few ms on their host
   * (pool queueing included) that wait is short, and the broker's cost per message (tens of µs of
   * CPU in three processes, about 1 ms of hops) is what limits; for longer ones that cost is noise
   * beside the run and spreading them over hosts is what counts. Until answers say how long
   * messages take, they travel alone.
   */
  private packing(): boolean {
    return this.runMsAvg !== null && this.runMsAvg < PACK_BELOW_MS;
  }

  /** Retries until a PubAck or the deadline: the same Nats-Msg-Id makes a repeat harmless. */
  private async publish(group: Outgoing[]): Promise<void> {
    const { body, h } = workMessage(this.clientId, group, () => `${this.clientId}-e${++this.envelopeSeq}`);
    const deadline = Math.max(...group.map((it) => it.deadline));
    for (let attempt = 0; ; attempt++) {
      while (this.pub!.inFlight >= MAX_UNACKED && !this.closed) await new Promise<void>((r) => this.unackedWaiters.push(r));
      const entries = group.flatMap((it) => this.pending.get(it.id) ?? []); // those still waiting for an answer
      if (entries.length === 0) return void this.unackedWaiters.shift()?.(); // all settled: the place we may have been woken for goes on
      for (const e of entries) e.publishTries++;
      try {
        if (!this.link!.connected) await this.link!.connectedOr(5_000);
        await this.link!.guard(this.pub!.publish(this.workSubject, body, h, true));
        const now = Date.now();
        for (const e of entries) e.publishedAt = now;
        this.stats.published += group.length;
        if (group.length > 1) this.stats.envelopes++;
        return;
      } catch {
        if (this.closed || Date.now() >= deadline) return; // the deadline timers answer the callers
        this.stats.republished++;
        await this.link!.pause(Math.min(250, 50 * 2 ** Math.min(attempt, 3))); // short: a server back from a restart answers 503 until JetStream is up
      } finally {
        this.unackedWaiters.shift()?.();
      }
    }
  }

  private onResult(id: string, rec: ResultRecord): void {
    if (!this.pending.has(id)) {
      // A second result for one message would be a broken first-writer-wins; a result after a timeout is merely late.
      if (this.answered.get(id) === 'result') this.stats.duplicateResults++;
      else this.stats.lateResults++;
      return;
    }
    if (rec.ok) this.settle(id, rec, null);
    else {
      const e = rec.error!;
      // final: the cluster already redelivered what a host could not finish, so not retryable here
      this.settle(id, null, new PoolError(e.code as PoolError['code'], e.message, { details: e.details, retryable: false }));
    }
  }

  private settle(id: string, rec: ResultRecord | null, err: Error | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.deadlines.delete(id, p.startedAt + p.timeoutMs);
    this.answered.set(id, rec || (err instanceof PoolError && err.code !== 'ERR_TIMEOUT' && err.code !== 'ERR_POOL_CLOSED') ? 'result' : 'other');
    if (this.answered.size > 110_000) {
      // forget the oldest 10,000 at once: one iterator per 10,000 answers, not one per answer
      let n = 10_000;
      for (const k of this.answered.keys())
        if (n-- > 0) this.answered.delete(k);
        else break;
    }
    this.stats.settled++;
    if (rec?.runMs !== undefined) this.runMsAvg = this.runMsAvg === null ? rec.runMs : this.runMsAvg * 0.9 + rec.runMs * 0.1;
    if (err) p.reject(err);
    else
      p.resolve({
        result: rec!.result,
        hostId: rec!.hostId,
        workerId: rec!.workerId,
        delivery: rec!.delivery,
        latencyMs: Date.now() - p.startedAt,
        runMs: rec!.runMs,
      });
  }
}
