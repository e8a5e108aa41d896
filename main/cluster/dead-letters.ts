// Dead letters. The server raises a MAX_DELIVERIES advisory when a message
// used up max_deliver; a work-queue stream would keep it forever (nats-server
// #5564), so the router copies it to the dead-letter stream, answers its caller
// ERR_POISON_MESSAGE (create(): a no-op if the last host already did) and
// deletes it from the work stream. Every step is idempotent, so several
// routers (one per control center) may run at once. An envelope (envelope.ts)
// is opened: each member without an answer, or answered ERR_POISON_MESSAGE,
// becomes a dead letter of its own; the members answered otherwise are not dead.
import { headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { errors } from '../pool/index';
import type { ClusterOptions } from './options';
import { Junk, maxDeliveriesAdvisorySchema, readRecord } from './records';
import { HDR_DEADLINE, HDR_REPLY, HDR_REQUEUED, isAlreadyExists, names } from './topology';
import type { DeadLetter } from '../../common/cluster-types';
import { encode, errorRecord, type ResultRecord } from './wire';
import { groupJson, HDR_BATCH, readAnswer, readEnvelope, type Member } from './envelope';

const HDR_DELIVERIES = 'Gcc-Deliveries';
type StoredHeaders = { get(k: string): string } | undefined;
const ROUTER = 'dead-letter-router'; // the hostId of the answers this router writes

/** The host that gave up on a message, when it answered the caller itself. */
const gaveUp = (rec: ResultRecord | null): string | null => (rec && rec.hostId !== ROUTER ? rec.hostId : null);

export class DeadLetters {
  private sub: Subscription | null = null;
  private jsm: JetStreamManager | null = null;
  readonly moved: number[] = []; // work-stream sequences moved by this router

  constructor(
    private readonly nc: NatsConnection,
    private readonly results: KV,
    private readonly o: ClusterOptions,
    private readonly onMoved: (d: { messageId: string; deliveries: number; hostId: string | null }) => void = () => undefined,
    private readonly junk = new Junk((m) => console.warn(`[dead letters] ${m}`)),
  ) {}

  async start(): Promise<void> {
    this.jsm = await jetstreamManager(this.nc);
    this.sub = this.nc.subscribe(names(this.o.pool).maxDeliveriesAdvisory, {
      callback: (err, msg) => {
        if (err) return;
        const adv = readRecord(maxDeliveriesAdvisorySchema, msg.data, this.junk, 'advisory', msg.subject);
        if (adv) void this.move(adv.stream_seq, adv.deliveries ?? this.o.maxDeliver).catch(() => undefined);
      },
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  /** Copies work-stream message `seq` to dead letters and removes it from the work queue. */
  async move(seq: number, deliveries: number): Promise<void> {
    const n = names(this.o.pool);
    const sm = await this.jsm!.streams.getMessage(n.stream, { seq }).catch(() => null);
    if (!sm) return; // already moved by another router, or acked meanwhile
    const members = sm.header?.get(HDR_BATCH) ? readEnvelope(sm.data, this.junk, `work seq ${seq}`) : null;
    if (members) return this.moveEnvelope(seq, sm.header, members, deliveries);
    const id = sm.header?.get('Nats-Msg-Id') ?? `seq-${seq}`;
    const caller = sm.header?.get(HDR_REPLY) ?? '';
    const h = headers();
    for (const k of sm.header?.keys() ?? []) if (k !== 'Nats-Msg-Id') h.set(k, sm.header.get(k));
    h.set('Gcc-Original-Id', id);
    h.set(HDR_DELIVERIES, String(deliveries));
    await jetstream(this.nc).publish(n.dlqSubject, sm.data, { msgID: `dead-${id}`, headers: h });
    const rec = caller ? await this.answerPoison(`${caller}.${id}`, deliveries) : null;
    await this.jsm!.streams.deleteMessage(n.stream, seq, false).catch(() => false);
    this.moved.push(seq);
    this.onMoved({ messageId: id, deliveries, hostId: gaveUp(rec) });
  }

  /**
   * Answers `key` ERR_POISON_MESSAGE (create: a no-op when a host answered already) and returns the
   * answer the key holds: ours, the host's, or null when it cannot be read.
   */
  private async answerPoison(key: string, deliveries: number): Promise<ResultRecord | null> {
    const poison = errorRecord(ROUTER, deliveries, errors.poison(deliveries, 'max_deliver reached; moved to dead letters'));
    try {
      await this.results.create(key, encode(poison));
      return poison;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const last = await this.results.get(key).catch(() => null);
      const answer = last ? readAnswer(last.value, this.junk, key) : null;
      return answer?.kind === 'one' ? answer.rec : null;
    }
  }

  /**
   * Each member that died becomes a dead letter of its own. The group record is created first when
   * missing (empty), so the members' own keys stay the only place for their answers (envelope.ts).
   */
  private async moveEnvelope(seq: number, h0: StoredHeaders, members: Member[], deliveries: number): Promise<void> {
    const n = names(this.o.pool);
    const caller = h0?.get(HDR_REPLY) ?? '';
    const groupKey = `${caller}.${h0?.get('Nats-Msg-Id') ?? `seq-${seq}`}`;
    let group: Record<string, ResultRecord> = {};
    await this.results.create(groupKey, groupJson(ROUTER, deliveries, [])).catch(async (e: unknown) => {
      if (!isAlreadyExists(e)) throw e;
      const a = await this.results.get(groupKey);
      const answer = a ? readAnswer(a.value, this.junk, groupKey) : null;
      if (answer?.kind === 'group') group = answer.recs;
    });
    for (const m of members) {
      const rec = group[m.i] ?? (await this.answerPoison(`${caller}.${m.i}`, deliveries));
      if (rec && (rec.ok || rec.error?.code !== 'ERR_POISON_MESSAGE')) continue; // answered: not a dead letter
      const h = headers();
      h.set(HDR_REPLY, caller);
      h.set(HDR_DEADLINE, String(m.dl));
      h.set('Gcc-Original-Id', m.i);
      h.set(HDR_DELIVERIES, String(deliveries));
      await jetstream(this.nc).publish(n.dlqSubject, JSON.stringify(m.d ?? null), { msgID: `dead-${m.i}`, headers: h });
      this.onMoved({ messageId: m.i, deliveries, hostId: gaveUp(rec) });
    }
    await this.jsm!.streams.deleteMessage(n.stream, seq, false).catch(() => false);
    this.moved.push(seq);
  }

  /** The newest `limit` dead letters, newest first. */
  async list(limit = 100): Promise<DeadLetter[]> {
    const n = names(this.o.pool);
    const info = await this.jsm!.streams.info(n.dlqStream);
    const out: DeadLetter[] = [];
    for (let seq = info.state.last_seq; seq >= info.state.first_seq && seq > 0 && out.length < limit; seq--) {
      const sm = await this.jsm!.streams.getMessage(n.dlqStream, { seq }).catch(() => null);
      if (!sm) continue; // requeued (deleted) or aged out
      out.push({
        seq,
        messageId: sm.header?.get('Gcc-Original-Id') ?? '',
        caller: sm.header?.get(HDR_REPLY) ?? '',
        deliveries: Number(sm.header?.get(HDR_DELIVERIES) ?? 0),
        time: sm.time.getTime(),
        data: new TextDecoder().decode(sm.data).slice(0, 500),
      });
    }
    return out;
  }

  /**
   * Puts dead letter `seq` back on the work queue under a new message id (the old
   * one's caller already had its ERR_POISON_MESSAGE) and removes it from dead letters.
   */
  async requeue(seq: number, timeoutMs = this.o.timeoutMs): Promise<{ messageId: string; caller: string }> {
    const n = names(this.o.pool);
    const sm = await this.jsm!.streams.getMessage(n.dlqStream, { seq }).catch(() => null);
    if (!sm) throw errors.invalidOption('seq', `does not name a dead letter (${seq})`);
    const h = headers();
    const caller = sm.header?.get(HDR_REPLY) || 'requeued';
    const messageId = `${sm.header?.get('Gcc-Original-Id') || `dlq${seq}`}-r${Date.now().toString(36)}`;
    h.set(HDR_REPLY, caller);
    h.set(HDR_DEADLINE, String(Date.now() + timeoutMs));
    h.set(HDR_REQUEUED, String(seq));
    await jetstream(this.nc).publish(n.workSubject, sm.data, { msgID: messageId, headers: h });
    await this.jsm!.streams.deleteMessage(n.dlqStream, seq, false);
    return { messageId, caller };
  }
}
