// Everything read from the broker is unknown until a schema parses it: host records, results,
// control requests and replies, advisories. Any client of the server (or a bug) can put a value
// there; junk is counted, logged at most once per interval per source, and dropped — it must
// never throw out of a watch loop or a subscription callback (an unhandled rejection ends the
// process). Objects keep fields this version does not know (a newer host may send more).
import { z } from 'zod';
import type { HostControlReply, HostRecord } from '../../common/cluster-types';

const text = new TextDecoder();
const int = z.number().int();
const count = z.number().int().min(0);

// The cumulative counters the control center adds up per host id (host-ledger.ts). Optional: a host
// of an older version sends none; present, they must have this shape or the record is junk.
const outcomesSchema = z.looseObject({ answered: count, agentError: count, timedOut: count, rejected: count, cancelled: count });
const latencySchema = z
  .looseObject({ boundsMs: z.array(z.number()).max(64), counts: z.array(count), sumMs: z.number().min(0), count })
  .refine((l) => l.counts.length === l.boundsMs.length + 1, {
    message: 'needs one entry more than boundsMs (the last: above the highest bound)',
    path: ['counts'],
  });

export const hostRecordSchema = z.looseObject({
  hostId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  pid: int,
  state: z.enum(['up', 'draining']),
  startedAt: z.number(),
  time: z.number(),
  capacity: count,
  inFlight: count,
  processed: count,
  duplicates: count,
  naks: count,
  terms: count,
  throughput: z.number().min(0),
  outcomes: outcomesSchema.optional(),
  latency: latencySchema.optional(),
  envelopes: z.looseObject({ envelopes: count, groups: count, grouped: count, alone: count }).optional(),
  pool: z.looseObject({
    total: count,
    healthy: count,
    available: count.optional(),
    busy: count.optional(),
    p50ResponseTime: z.number(),
    p99ResponseTime: z.number(),
    totalErrors: count,
  }),
  workers: z
    .array(
      z.looseObject({
        id: z.string(),
        pid: int.nullable(),
        state: z.string(),
        healthy: z.boolean(),
        messagesProcessed: count,
        inFlight: count,
        rssBytes: z.number(),
        restarts: count,
      }),
    )
    .max(1_000),
});

const errorShape = z.looseObject({ code: z.string().min(1), message: z.string(), details: z.unknown().optional() });

const resultFields = {
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: errorShape.optional(),
  workerId: z.string().optional(),
  runMs: z.number().optional(),
};
const needsError = (r: { ok: boolean; error?: unknown }) => r.ok || r.error !== undefined;
const needsErrorNote = { message: 'a failed result needs error', path: ['error'] };

export const resultRecordSchema = z.looseObject({ ...resultFields, hostId: z.string(), delivery: int.min(1) }).refine(needsError, needsErrorNote);
// In a group record (envelope.ts) hostId and delivery are the group's, given once.
export const memberResultSchema = z
  .looseObject({ ...resultFields, hostId: z.string().optional(), delivery: int.min(1).optional() })
  .refine(needsError, needsErrorNote);

/**
 * resultRecordSchema (member: memberResultSchema) as plain checks: a pipelined caller reads tens of
 * thousands of answers a second, and zod cost it ~10 % of its CPU. Same rules; on a miss the
 * schema runs to name what is wrong.
 */
export function isResult(v: unknown, member = false): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  if (typeof r.ok !== 'boolean') return false;
  if (member ? r.hostId !== undefined && typeof r.hostId !== 'string' : typeof r.hostId !== 'string') return false;
  if (member ? r.delivery !== undefined && !isDelivery(r.delivery) : !isDelivery(r.delivery)) return false;
  if (r.workerId !== undefined && typeof r.workerId !== 'string') return false;
  if (r.runMs !== undefined && typeof r.runMs !== 'number') return false;
  if (r.error === undefined) return r.ok;
  const e = r.error as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && !Array.isArray(e) && typeof e.code === 'string' && e.code.length > 0 && typeof e.message === 'string';
}

const isDelivery = (d: unknown) => typeof d === 'number' && Number.isInteger(d) && d >= 1;

export const controlReplySchema = z.looseObject({
  hostId: z.string(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: errorShape.optional(),
});

export const maxDeliveriesAdvisorySchema = z.looseObject({ stream_seq: int.min(1), deliveries: int.min(1).optional() });

export type JunkSource = 'hosts' | 'results' | 'work' | 'control' | 'controlReply' | 'advisory';

/** Parses bytes from the broker with `schema`; null (counted and logged by `junk`) when they do not fit. */
export function readRecord<T>(schema: z.ZodType<T>, data: Uint8Array, junk: Junk, source: JunkSource, where: string): T | null {
  const value = readJson(data, junk, source, where);
  return value === NOT_JSON ? null : checkRecord(schema, value, junk, source, where);
}

export const NOT_JSON = Symbol('not JSON');

/** The JSON value of bytes from the broker, or NOT_JSON (counted and logged by `junk`). */
export function readJson(data: Uint8Array, junk: Junk, source: JunkSource, where: string): unknown {
  try {
    return JSON.parse(text.decode(data));
  } catch {
    junk.drop(source, where, 'not JSON');
    return NOT_JSON;
  }
}

/** `value` if `schema` accepts it; else null, counted and logged by `junk` with what is wrong. */
export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, junk: Junk, source: JunkSource, where: string): T | null {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  junk.drop(source, where, `${issue?.path.join('.') || '(value)'}: ${issue?.message ?? 'invalid'}`);
  return null;
}

export const readHostRecord = (data: Uint8Array, junk: Junk, where: string): HostRecord | null =>
  readRecord(hostRecordSchema, data, junk, 'hosts', where) as HostRecord | null;
export const readControlReply = (data: Uint8Array, junk: Junk, where: string): HostControlReply | null =>
  readRecord(controlReplySchema, data, junk, 'controlReply', where) as HostControlReply | null;

/** Counts dropped records per source; logs the first, then at most one line per `everyMs` per source with the count since. */
export class Junk {
  readonly counts: Record<JunkSource, number> = { hosts: 0, results: 0, work: 0, control: 0, controlReply: 0, advisory: 0 };
  private readonly lastLog = new Map<JunkSource, { at: number; counted: number }>();

  constructor(
    public log: (message: string) => void = (m) => console.warn(m),
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  drop(source: JunkSource, where: string, why: string): void {
    this.counts[source]++;
    const last = this.lastLog.get(source);
    const t = this.now();
    if (last && t - last.at < this.everyMs) return;
    const since = last ? this.counts[source] - last.counted : 1;
    this.lastLog.set(source, { at: t, counted: this.counts[source] });
    // `where` is a subject or key, never the value: it may be large, or someone's payload.
    this.log(
      `dropped a malformed ${source} record from ${where.slice(0, 200)} (${why.slice(0, 200)}); ${since} dropped since the last note, ${this.counts[source]} in all`,
    );
  }
}
