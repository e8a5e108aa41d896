// Tiered metrics history with a fixed memory bound: each tier is a ring
// buffer of points at its own resolution (1 s for an hour, 10 s for a day,
// 1 min for a week by default). Every tier is fed from the raw samples; a
// coarser tier aggregates its bucket (sample-math.ts) and stores one point
// when the bucket closes. Persisted column-wise (pool-level only), so the
// file stays small.
import type { MetricsHistory, MetricsSample } from '../../../common/contract';
import { POOL_FIELDS, SampleAggregator, capPoints, fieldValue, sampleFromFields } from './sample-math';

export interface TierSpec {
  resolutionMs: number;
  capacity: number;
  perWorker: boolean; // keep per-worker detail in this tier
}

// Per-worker detail only in the 1 h tier: workers are recycled hourly by
// default, so a week of per-worker points would mostly describe processes
// long gone, and it would multiply the memory bound by the worker count.
export const DEFAULT_TIERS: readonly TierSpec[] = [
  { resolutionMs: 1_000, capacity: 3_600, perWorker: true }, // 1 h
  { resolutionMs: 10_000, capacity: 8_640, perWorker: false }, // 24 h
  { resolutionMs: 60_000, capacity: 10_080, perWorker: false }, // 7 d
];

class Ring {
  private readonly buf: Array<MetricsSample | undefined>;
  private head = 0; // index of the oldest point
  size = 0;

  constructor(readonly capacity: number) {
    this.buf = new Array<MetricsSample | undefined>(capacity);
  }

  push(s: MetricsSample): void {
    if (this.size < this.capacity) {
      this.buf[(this.head + this.size) % this.capacity] = s;
      this.size++;
    } else {
      this.buf[this.head] = s; // overwrite the oldest
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Points with t > since, oldest first. */
  since(since: number): MetricsSample[] {
    const out: MetricsSample[] = [];
    for (let i = 0; i < this.size; i++) {
      const s = this.buf[(this.head + i) % this.capacity] as MetricsSample;
      if (s.t > since) out.push(s);
    }
    return out;
  }
}

class Tier {
  readonly ring: Ring;
  private readonly agg: SampleAggregator;
  private bucket = -1;

  constructor(readonly spec: TierSpec) {
    this.ring = new Ring(spec.capacity);
    this.agg = new SampleAggregator(spec.perWorker);
  }

  add(s: MetricsSample): void {
    const bucket = Math.floor(s.t / this.spec.resolutionMs);
    if (bucket !== this.bucket && this.agg.count > 0) {
      this.ring.push(this.agg.result() as MetricsSample);
      this.agg.reset();
    }
    this.bucket = bucket;
    this.agg.add(s);
  }

  /** Stored points plus the still-open bucket, so the newest data is never missing. */
  points(since: number): MetricsSample[] {
    const out = this.ring.since(since);
    const open = this.agg.result();
    if (open && open.t > since) out.push(open);
    return out;
  }

  get span(): number {
    return this.spec.resolutionMs * this.spec.capacity;
  }
}

export interface PersistedHistory {
  version: 1;
  savedAt: number;
  tiers: Array<{
    resolutionMs: number;
    columns: Record<string, Array<number | null>>; // null: no value (no traffic, or a column added since)
  }>;
}

export class MetricsHistoryStore {
  private readonly tiers: Tier[];

  constructor(specs: readonly TierSpec[] = DEFAULT_TIERS) {
    this.tiers = specs.map((s) => new Tier(s));
  }

  add(sample: MetricsSample): void {
    for (const tier of this.tiers) tier.add(sample);
  }

  /** The finest tier whose span covers the range; points capped at maxPoints by bucket aggregation. */
  query(rangeMs: number, now: number, maxPoints?: number): MetricsHistory {
    const tier = this.tiers.find((t) => t.span >= rangeMs) ?? (this.tiers[this.tiers.length - 1] as Tier);
    const points = tier.points(now - rangeMs);
    if (!maxPoints) return { resolutionMs: tier.spec.resolutionMs, samples: points };
    const capped = capPoints(points, maxPoints);
    return { resolutionMs: tier.spec.resolutionMs * capped.factor, samples: capped.points };
  }

  /** Stored points per tier and their bound; the memory bound is sum(capacity) points. */
  sizes(): Array<{ resolutionMs: number; points: number; capacity: number }> {
    return this.tiers.map((t) => ({ resolutionMs: t.spec.resolutionMs, points: t.ring.size, capacity: t.spec.capacity }));
  }

  /**
   * Pool-level columns only: per-worker detail describes processes that do not
   * survive a restart, and leaving it out keeps the file ~1 MB and the
   * periodic save ~20 ms even with 64 workers.
   */
  toJSON(now: number): PersistedHistory {
    return {
      version: 1,
      savedAt: now,
      tiers: this.tiers.map((tier) => {
        const points = tier.points(-Infinity);
        const columns: Record<string, Array<number | null>> = {};
        for (const f of POOL_FIELDS) columns[f] = points.map((p) => fieldValue(p, f));
        return { resolutionMs: tier.spec.resolutionMs, columns };
      }),
    };
  }

  /** Restores persisted points, dropping ones older than each tier's span. Bad input is ignored. */
  load(data: unknown, now: number): number {
    const persisted = data as Partial<PersistedHistory> | undefined;
    if (!persisted || persisted.version !== 1 || !Array.isArray(persisted.tiers)) return 0;
    let restored = 0;
    for (const saved of persisted.tiers) {
      const tier = this.tiers.find((t) => t.spec.resolutionMs === saved?.resolutionMs);
      const ts = saved?.columns?.t;
      if (!tier || !Array.isArray(ts)) continue;
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i] as number;
        // expired, or from the future (the clock was set back since the save): either would break time order
        if (!(t > now - tier.span) || t > now) continue;
        const column = (f: string): number | null => {
          const v = saved.columns[f]?.[i];
          return v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
        };
        tier.ring.push(sampleFromFields(column));
        restored++;
      }
    }
    return restored;
  }
}
