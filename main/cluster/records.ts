// Everything read from the broker is unknown until a schema parses it: host records, results,
// control requests and replies, advisories. Any client of the server (or a bug) can put a value
// there; junk is counted, logged at most once per interval per source, and dropped — it must
// never throw out of a watch loop or a subscription callback (an unhandled rejection ends the
// process). Objects keep fields this version does not know (a newer host may send more).
import { z } from 'zod';
import type { HostControlReply, HostRecord } from '../../common/cluster-types';
import type { ResultRecord } from './wire';

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

export const resultRecordSchema = z
  .looseObject({
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: errorShape.optional(),
    hostId: z.string(),
    workerId: z.string().optional(),
    delivery: int.min(1),
    runMs: z.number().optional(),
  })
  .refine((r) => r.ok || r.error !== undefined, { message: 'a failed result needs error', path: ['error'] });

export const controlReplySchema = z.looseObject({
  hostId: z.string(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: errorShape.optional(),
});

export const maxDeliveriesAdvisorySchema = z.looseObject({ stream_seq: int.min(1), deliveries: int.min(1).optional() });

export type JunkSource = 'hosts' | 'results' | 'control' | 'controlReply' | 'advisory';

/** Parses bytes from the broker with `schema`; null (counted and logged by `junk`) when they do not fit. */
export function readRecord<T>(schema: z.ZodType<T>, data: Uint8Array, junk: Junk, source: JunkSource, where: string): T | null {
  let value: unknown;
  try {
    value = JSON.parse(text.decode(data));
  } catch {
    junk.drop(source, where, 'not JSON');
    return null;
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  junk.drop(source, where, `${issue?.path.join('.') || '(value)'}: ${issue?.message ?? 'invalid'}`);
  return null;
}

export const readHostRecord = (data: Uint8Array, junk: Junk, where: string): HostRecord | null =>
  readRecord(hostRecordSchema, data, junk, 'hosts', where) as HostRecord | null;
export const readResult = (data: Uint8Array, junk: Junk, where: string): ResultRecord | null =>
  readRecord(resultRecordSchema, data, junk, 'results', where) as ResultRecord | null;
export const readControlReply = (data: Uint8Array, junk: Junk, where: string): HostControlReply | null =>
  readRecord(controlReplySchema, data, junk, 'controlReply', where) as HostControlReply | null;

/** Counts dropped records per source; logs the first, then at most one line per `everyMs` per source with the count since. */
export class Junk {
  readonly counts: Record<JunkSource, number> = { hosts: 0, results: 0, control: 0, controlReply: 0, advisory: 0 };
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
