// Envelopes: several messages in one broker message, and their answers in one
// record. Every JetStream message costs the server a store, a delivery, an ack
// and a delete, and each end a parse and a promise; per message that capped a
// 1-host cluster at ~0.13× the local pool. A caller packs the messages it sends
// in one event-loop turn into one envelope (a lone message still travels on its
// own, so a sequential caller's latency is unchanged); a host answers the
// members that finish together in one group record.
//
// Exactly one answer per member, whatever redelivery does. A member's answer is
// either in its envelope's group record (key <caller>.<envelope id>) or under
// its own key (<caller>.<member id>), never both: both keys are create-only, and
// a member's own key is written only by a host that knows the group record
// exists and does not hold that member (it wrote it, or read it after its own
// create lost). See docs/cluster.md "Envelopes".
import { headers, type MsgHdrs } from '@nats-io/transport-node';
import { z } from 'zod';
import { HDR_DEADLINE, HDR_REPLY, HDR_TIMEOUT } from './topology';
import { checkRecord, isResult, type Junk, memberResultSchema, NOT_JSON, readJson, resultRecordSchema } from './records';
import type { ResultRecord } from './wire';

export const HDR_BATCH = 'Gcc-Batch'; // number of members: present on envelopes only
export const MAX_MEMBERS = 64; // per envelope: what a redelivered envelope runs one at a time stays short
export const MAX_ENVELOPE_BYTES = 256 * 1024; // well under the server's 1 MiB max_payload

/** A message waiting to be sent: its id, its payload as JSON text, its deadline and run timeout. */
export interface Outgoing {
  id: string;
  json: string;
  deadline: number;
  runTimeout?: number;
}

/** One member of a delivered envelope. */
export interface Member {
  i: string; // message id: the caller's key for its answer
  d: unknown; // payload
  dl: number; // deadline, epoch ms
  rt?: number; // run timeout, ms
}

/** What a results key holds: one answer, or a group of answers by member id. */
export type Answer = { kind: 'one'; rec: ResultRecord } | { kind: 'group'; recs: Record<string, ResultRecord> };

/** Splits a turn's sends into envelopes by count and size; a message alone or too big for company travels alone. */
export function pack(items: Outgoing[]): Outgoing[][] {
  const out: Outgoing[][] = [];
  let cur: Outgoing[] = [];
  let bytes = 0;
  for (const it of items) {
    const size = it.json.length + it.id.length + 48;
    if (cur.length > 0 && (cur.length >= MAX_MEMBERS || bytes + size > MAX_ENVELOPE_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** What goes on the work subject for a group of sends: one message as itself, several as an envelope under an id of its own. */
export function workMessage(clientId: string, group: Outgoing[], envelopeId: () => string): { msgId: string; body: string; h: MsgHdrs } {
  const h = headers();
  h.set(HDR_REPLY, clientId);
  if (group.length === 1) {
    const [it] = group as [Outgoing];
    h.set('Nats-Msg-Id', it.id);
    h.set(HDR_DEADLINE, String(it.deadline));
    if (it.runTimeout !== undefined) h.set(HDR_TIMEOUT, String(it.runTimeout));
    return { msgId: it.id, body: it.json, h };
  }
  const msgId = envelopeId();
  h.set('Nats-Msg-Id', msgId);
  h.set(HDR_BATCH, String(group.length));
  h.set(HDR_DEADLINE, String(Math.max(...group.map((it) => it.deadline)))); // each member carries its own
  return { msgId, body: envelopeBody(group), h };
}

/** The envelope's body: the payloads are spliced in as the JSON text they already are (no parse and re-encode). */
export function envelopeBody(items: Outgoing[]): string {
  const parts = items.map(
    (it) => `{"i":${JSON.stringify(it.id)},"dl":${it.deadline}${it.runTimeout === undefined ? '' : `,"rt":${it.runTimeout}`},"d":${it.json}}`,
  );
  return `[${parts.join(',')}]`;
}

const memberSchema = z.looseObject({ i: z.string().min(1).max(255), d: z.unknown(), dl: z.number(), rt: z.number().positive().optional() });
export const envelopeSchema = z.array(memberSchema).min(1).max(1_024);

/** The members of a delivered envelope; null (counted by `junk`) when the body is not one. */
export function readEnvelope(data: Uint8Array, junk: Junk, where: string): Member[] | null {
  const v = readJson(data, junk, 'work', where);
  if (v === NOT_JSON) return null;
  return isEnvelope(v) ? v : (checkRecord(envelopeSchema, v, junk, 'work', where) as Member[] | null);
}

/** envelopeSchema as plain checks (the schema runs on a miss, to name what is wrong). */
export function isEnvelope(v: unknown): v is Member[] {
  return Array.isArray(v) && v.length >= 1 && v.length <= 1_024 && v.every(isMember);
}

function isMember(m: unknown): boolean {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const x = m as Record<string, unknown>;
  return (
    typeof x.i === 'string' &&
    x.i.length >= 1 &&
    x.i.length <= 255 &&
    typeof x.dl === 'number' &&
    (x.rt === undefined || (typeof x.rt === 'number' && x.rt > 0))
  );
}

const groupSchema = z.looseObject({
  hostId: z.string(),
  delivery: z.number().int().min(1),
  batch: z.record(z.string(), memberResultSchema),
});

/** A results key's value, either shape, members completed with their group's hostId and delivery; null (counted by `junk`) when it is neither. */
export function readAnswer(data: Uint8Array, junk: Junk, where: string): Answer | null {
  const v = readJson(data, junk, 'results', where);
  if (v === NOT_JSON) return null;
  const group = v !== null && typeof v === 'object' && 'batch' in v;
  if (!group) return isResult(v) || checkRecord(resultRecordSchema, v, junk, 'results', where) ? { kind: 'one', rec: v as ResultRecord } : null;
  if (!isGroup(v) && !checkRecord(groupSchema, v, junk, 'results', where)) return null;
  const g = v as { hostId: string; delivery: number; batch: Record<string, ResultRecord> };
  for (const rec of Object.values(g.batch)) {
    rec.hostId ??= g.hostId;
    rec.delivery ??= g.delivery;
  }
  return { kind: 'group', recs: g.batch };
}

function isGroup(v: object): boolean {
  const g = v as Record<string, unknown>;
  if (typeof g.hostId !== 'string' || typeof g.delivery !== 'number' || !Number.isInteger(g.delivery) || g.delivery < 1) return false;
  if (typeof g.batch !== 'object' || g.batch === null || Array.isArray(g.batch)) return false;
  return Object.values(g.batch).every((m) => isResult(m, true));
}

/**
 * A group record's JSON: the answers a host stored together, hostId and delivery (the same for all)
 * once. Built as text: a 64-key object per envelope and a copy of every answer cost the host more
 * than the rest of its envelope work (profiled).
 */
export function groupJson(hostId: string, delivery: number, answers: ReadonlyArray<readonly [string, ResultRecord]>): string {
  const parts = answers.map(
    ([id, r]) => `${JSON.stringify(id)}:${JSON.stringify({ ok: r.ok, result: r.result, error: r.error, workerId: r.workerId, runMs: r.runMs })}`,
  );
  return `{"hostId":${JSON.stringify(hostId)},"delivery":${delivery},"batch":{${parts.join(',')}}}`;
}
