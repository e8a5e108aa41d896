// Aggregation of metrics samples into one point: used by the downsampled
// history tiers and by queries that cap the number of points. Outcome counts
// are summed (a bucket says how many messages ended each way in its span) and
// the two rates are recomputed from those sums (null when the bucket settled no
// message); latencies are averaged over the points that had traffic (null when none did); queue depth and p99 keep their
// maximum so a short spike stays visible after downsampling.
import type { MetricsSample, OutcomeCounts, WorkerSample } from '../../../common/contract';

export const OUTCOME_FIELDS = ['answered', 'agentError', 'timedOut', 'rejected', 'cancelled'] as const satisfies ReadonlyArray<keyof OutcomeCounts>;

/**
 * A span's message count and its two rates, from its outcome counts: the error rate is of what was
 * accepted (a crash or a queue timeout is an error but never processed, so with only those it reads
 * 100 %, not 0 %), the rejection rate of everything sent; null when the span settled nothing.
 */
export function outcomeRates(o: OutcomeCounts): Pick<MetricsSample, 'messages' | 'errorRate' | 'rejectionRate'> {
  const messages = o.answered + o.agentError + o.timedOut + o.rejected + o.cancelled;
  const accepted = messages - o.rejected;
  return {
    messages,
    errorRate: accepted === 0 ? null : round((o.agentError + o.timedOut) / accepted, 4),
    rejectionRate: messages === 0 ? null : round(o.rejected / messages, 4),
  };
}

// The pool-level columns (persisted history, CSV export). The outcome columns are the sample's
// `outcomes` flattened; a value is null where the sample has none (no traffic, older samples).
export const POOL_FIELDS = [
  't',
  'throughput',
  'messages',
  ...OUTCOME_FIELDS,
  'errorRate',
  'rejectionRate',
  'avgLatencyMs',
  'p95LatencyMs',
  'p99LatencyMs',
  'queueDepth',
  'queueCapacity',
  'inFlight',
  'total',
  'busy',
  'available',
  'healthy',
] as const;
export type PoolField = (typeof POOL_FIELDS)[number];

const enum Kind {
  Mean,
  Max,
  Last,
  Sum, // counts
  MeanOrNull, // latencies: mean of the points that have one
  MaxOrNull,
}
const KINDS: Partial<Record<PoolField, Kind>> = {
  t: Kind.Last,
  queueCapacity: Kind.Last,
  queueDepth: Kind.Max,
  messages: Kind.Sum,
  answered: Kind.Sum,
  agentError: Kind.Sum,
  timedOut: Kind.Sum,
  rejected: Kind.Sum,
  cancelled: Kind.Sum,
  avgLatencyMs: Kind.MeanOrNull,
  p95LatencyMs: Kind.MeanOrNull,
  p99LatencyMs: Kind.MaxOrNull,
  // rates: null over an idle span (unknown, not 0 %); a bucket with outcome counts recomputes them from the sums
  errorRate: Kind.MeanOrNull,
  rejectionRate: Kind.MeanOrNull,
};
// precomputed: add() runs for every sample
const KIND = POOL_FIELDS.map((f) => KINDS[f] ?? Kind.Mean);
const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOME_FIELDS);

/** One pool-level column of a sample; null where the sample has no value for it. */
export function fieldValue(s: MetricsSample, f: PoolField): number | null {
  if (OUTCOME_SET.has(f)) return s.outcomes?.[f as keyof OutcomeCounts] ?? null;
  const v = s[f as Exclude<PoolField, keyof OutcomeCounts>];
  return v === undefined ? null : v;
}

/** The sample a row of pool-level columns describes (restored history: no per-worker detail). */
export function sampleFromFields(get: (f: PoolField) => number | null): MetricsSample {
  const out: Record<string, unknown> = { workers: [] };
  for (const f of POOL_FIELDS) {
    const v = get(f);
    if (OUTCOME_SET.has(f)) continue;
    if (v !== null) out[f] = v;
    else if (KINDS[f] === Kind.MeanOrNull || KINDS[f] === Kind.MaxOrNull) out[f] = null;
    else if (f !== 'messages') out[f] = 0;
  }
  if (get('answered') !== null) {
    const o = {} as OutcomeCounts;
    for (const k of OUTCOME_FIELDS) o[k] = get(k) ?? 0;
    out.outcomes = o;
  }
  return out as unknown as MetricsSample;
}

interface WorkerAcc {
  messages: number;
  inFlight: number;
  rssBytes: number;
  latency: number;
  n: number;
}

/** Accumulates samples; reused across buckets so the hot path allocates nothing for pool fields. */
const NO_WORKERS: WorkerSample[] = [];

export class SampleAggregator {
  count = 0;
  /** perWorker false: per-worker detail is dropped (coarse tiers; worker ids churn with recycling anyway). */
  constructor(private readonly perWorker = true) {}

  private first: MetricsSample | undefined;
  private readonly sums = new Float64Array(POOL_FIELDS.length);
  private readonly seen = new Uint32Array(POOL_FIELDS.length); // points with a value, per field
  private readonly workers = new Map<string, WorkerAcc>();
  private last: MetricsSample | undefined;

  add(s: MetricsSample): void {
    if (this.count === 0) this.first = s;
    this.count++;
    this.last = s;
    const sums = this.sums;
    for (let i = 0; i < POOL_FIELDS.length; i++) {
      const v = fieldValue(s, POOL_FIELDS[i] as PoolField);
      if (v === null) continue;
      const kind = KIND[i];
      const n = ++this.seen[i]!;
      if (kind === Kind.Max || kind === Kind.MaxOrNull) sums[i] = n === 1 ? v : Math.max(sums[i] as number, v);
      else if (kind === Kind.Last) sums[i] = v;
      else sums[i] = (sums[i] as number) + v;
    }
    if (!this.perWorker) return;
    for (const w of s.workers) {
      const acc = this.workers.get(w.id);
      if (acc) {
        acc.messages += w.messages;
        acc.inFlight += w.inFlight;
        acc.rssBytes = Math.max(acc.rssBytes, w.rssBytes);
        acc.latency += w.avgLatencyMs;
        acc.n++;
      } else {
        this.workers.set(w.id, { messages: w.messages, inFlight: w.inFlight, rssBytes: w.rssBytes, latency: w.avgLatencyMs, n: 1 });
      }
    }
  }

  /** The aggregate point; a bucket of one sample is that sample itself (no copy). */
  result(): MetricsSample | undefined {
    if (this.count === 0 || !this.last) return undefined;
    if (this.count === 1 && this.first)
      return this.perWorker || this.first.workers.length === 0 ? this.first : { ...this.first, workers: NO_WORKERS };
    const sums = this.sums;
    const value = (i: number): number | null => {
      const n = this.seen[i] as number;
      const kind = KIND[i];
      if (n === 0) return kind === Kind.Mean ? 0 : null;
      return kind === Kind.Mean || kind === Kind.MeanOrNull ? round((sums[i] as number) / n) : (sums[i] as number);
    };
    const out = sampleFromFields((f) => value(POOL_FIELDS.indexOf(f)));
    const o = out.outcomes;
    if (o) {
      // rates of the whole bucket, from its summed counts (a mean of per-interval rates would weigh a quiet second like a busy one)
      Object.assign(out, outcomeRates(o));
    }
    out.workers = this.perWorker ? [] : NO_WORKERS;
    for (const [id, a] of this.workers) {
      out.workers.push({ id, messages: a.messages, inFlight: round(a.inFlight / a.n), rssBytes: a.rssBytes, avgLatencyMs: round(a.latency / a.n) });
    }
    // Cluster hosts (fine tier only, like workers): their state at the bucket's end is what the bucket shows.
    if (this.perWorker && this.last.hosts) out.hosts = this.last.hosts;
    return out;
  }

  reset(): void {
    this.count = 0;
    this.first = undefined;
    this.last = undefined;
    this.sums.fill(0);
    this.seen.fill(0);
    this.workers.clear();
  }
}

export const round = (v: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** Groups consecutive points so at most maxPoints remain. */
export function capPoints(points: MetricsSample[], maxPoints: number): { points: MetricsSample[]; factor: number } {
  if (points.length <= maxPoints) return { points, factor: 1 };
  const factor = Math.ceil(points.length / maxPoints);
  const agg = new SampleAggregator();
  const out: MetricsSample[] = [];
  for (let i = 0; i < points.length; i += factor) {
    agg.reset();
    for (let j = i; j < Math.min(i + factor, points.length); j++) agg.add(points[j] as MetricsSample);
    out.push(agg.result() as MetricsSample);
  }
  return { points: out, factor };
}
