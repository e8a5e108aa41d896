// Aggregation of metrics samples into one point: used by the downsampled
// history tiers and by queries that cap the number of points. Rates and
// latencies are averaged; queue depth and p99 keep their maximum so a short
// spike stays visible after downsampling.
import type { MetricsSample, WorkerSample } from '../../preload/contract';

export const POOL_FIELDS = [
  't',
  'throughput',
  'errorRate',
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
] as const satisfies ReadonlyArray<keyof MetricsSample>;
export type PoolField = (typeof POOL_FIELDS)[number];

const MAX_FIELDS: readonly PoolField[] = ['queueDepth', 'p99LatencyMs'];
const LAST_FIELDS: readonly PoolField[] = ['t', 'queueCapacity'];
// per field: 0 = mean, 1 = max, 2 = last (precomputed: add() runs for every sample)
const KIND = POOL_FIELDS.map((f) => (MAX_FIELDS.includes(f) ? 1 : LAST_FIELDS.includes(f) ? 2 : 0));

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
  private readonly workers = new Map<string, WorkerAcc>();
  private last: MetricsSample | undefined;

  add(s: MetricsSample): void {
    if (this.count === 0) this.first = s;
    this.count++;
    this.last = s;
    for (let i = 0; i < POOL_FIELDS.length; i++) {
      const v = s[POOL_FIELDS[i] as PoolField];
      const kind = KIND[i];
      if (kind === 1) this.sums[i] = this.count === 1 ? v : Math.max(this.sums[i] as number, v);
      else if (kind === 2) this.sums[i] = v;
      else this.sums[i] = (this.sums[i] as number) + v;
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
    if (this.count === 1 && this.first) return this.perWorker || this.first.workers.length === 0 ? this.first : { ...this.first, workers: NO_WORKERS };
    const out = { workers: this.perWorker ? ([] as WorkerSample[]) : NO_WORKERS } as unknown as Record<PoolField, number> & { workers: WorkerSample[] };
    for (let i = 0; i < POOL_FIELDS.length; i++) {
      const f = POOL_FIELDS[i] as PoolField;
      const v = this.sums[i] as number;
      out[f] = KIND[i] === 0 ? round(v / this.count) : v;
    }
    for (const [id, a] of this.workers) {
      out.workers.push({ id, messages: a.messages, inFlight: round(a.inFlight / a.n), rssBytes: a.rssBytes, avgLatencyMs: round(a.latency / a.n) });
    }
    // Cluster hosts (fine tier only, like workers): their state at the bucket's end is what the bucket shows.
    const result = out as unknown as MetricsSample;
    if (this.perWorker && this.last.hosts) result.hosts = this.last.hosts;
    return result;
  }

  reset(): void {
    this.count = 0;
    this.first = undefined;
    this.last = undefined;
    this.sums.fill(0);
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
