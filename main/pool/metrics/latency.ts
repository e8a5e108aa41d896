// The engine's one latency histogram, cheap enough for every message at 60k+ msg/s:
// fixed log buckets (HdrHistogram idea, 4 % steps, ~2 % relative error) instead of
// keeping and sorting samples. record() is one log and one add; percentiles walk
// ~560 counters only when someone asks.
//
// One convention: percentile(p) takes p in 0..100 (p50/p95/p99, as the stats name them).
//
// Two uses, one class:
// - cumulative (windowMs 0, the default): the adapter's getMetrics() since its last reset;
// - windowed (windowMs > 0): the pool's figures. Two windows rotate so percentiles describe
//   the last 1–2 windows, not the whole uptime (an operator watching a chart wants "now").
//   Readers call advance() first: windows rotate on the clock, not only when a sample arrives,
//   so an idle pool's figures empty out instead of holding the last traffic's values.
const GROWTH = 1.04;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 560; // 1 µs .. ~1e9 µs (≈ 17 min) at 4 % steps

/** The window of the pool's latency figures (pool-wide and per worker): they describe the last 10–20 s. */
export const POOL_LATENCY_WINDOW_MS = 10_000;

export interface LatencySummary {
  count: number;
  mean: number; // ms
  min: number; // ms
  max: number; // ms
  p50: number; // ms
  p95: number; // ms
  p99: number; // ms
}

/** One window's samples. */
class Window {
  counts = new Float64Array(BUCKETS);
  n = 0;
  sum = 0;
  lo = Infinity;
  hi = 0;

  clear(): void {
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this.lo = Infinity;
    this.hi = 0;
  }
}

export class LatencyHistogram {
  private cur = new Window();
  private prev = new Window(); // stays empty when cumulative
  private windowStart: number;

  /** windowMs 0: cumulative (never rotates); `now` is the start of the first window. */
  constructor(
    private readonly windowMs = 0,
    now = windowMs > 0 ? performance.now() : 0,
  ) {
    this.windowStart = now;
  }

  /** Records one duration in milliseconds; `now` matters only for a windowed histogram. */
  record(ms: number, now = 0): void {
    if (!(ms >= 0)) return; // NaN or negative: a clock glitch, not a sample
    if (this.windowMs > 0 && now - this.windowStart >= this.windowMs) this.rotate(now);
    const us = ms * 1000;
    let i = us < 1 ? 0 : Math.floor(Math.log(us) / LOG_GROWTH) + 1;
    if (i >= BUCKETS) i = BUCKETS - 1;
    const w = this.cur;
    w.counts[i]! += 1;
    w.n++;
    w.sum += ms;
    if (ms < w.lo) w.lo = ms;
    if (ms > w.hi) w.hi = ms;
  }

  get count(): number {
    return this.cur.n + this.prev.n;
  }

  get mean(): number {
    const n = this.count;
    return n === 0 ? 0 : (this.cur.sum + this.prev.sum) / n;
  }

  private get lo(): number {
    return Math.min(this.cur.lo, this.prev.lo);
  }

  private get hi(): number {
    return Math.max(this.cur.hi, this.prev.hi);
  }

  /** p in 0..100; 0 when empty. The bucket's geometric middle, clamped to the exact min/max seen. */
  percentile(p: number): number {
    const n = this.count;
    if (n === 0) return 0;
    const target = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * n));
    const { cur, prev } = this;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += cur.counts[i]! + prev.counts[i]!;
      if (seen >= target) {
        if (i === BUCKETS - 1) return this.hi; // the overflow bucket has no upper edge
        const mid = i === 0 ? 0.0005 : Math.pow(GROWTH, i - 0.5) / 1000;
        return Math.min(this.hi, Math.max(this.lo, mid));
      }
    }
    return this.hi;
  }

  summary(): LatencySummary {
    const n = this.count;
    return {
      count: n,
      mean: this.mean,
      min: n === 0 ? 0 : this.lo,
      max: this.hi,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
    };
  }

  /** Adds another histogram's samples (both of its windows) into this one's current window. */
  merge(other: LatencyHistogram): void {
    const w = this.cur;
    for (const o of [other.cur, other.prev]) {
      for (let i = 0; i < BUCKETS; i++) w.counts[i]! += o.counts[i]!;
      w.n += o.n;
      w.sum += o.sum;
      if (o.lo < w.lo) w.lo = o.lo;
      if (o.hi > w.hi) w.hi = o.hi;
    }
  }

  /** Rotates the windows as the clock says (windowed only): call before reading figures. */
  advance(now = performance.now()): void {
    if (this.windowMs > 0 && now - this.windowStart >= this.windowMs) this.rotate(now);
  }

  reset(now = this.windowMs > 0 ? performance.now() : 0): void {
    this.cur.clear();
    this.prev.clear();
    this.windowStart = now;
  }

  private rotate(now: number): void {
    // A gap of two windows or more means both windows are stale.
    const stale = now - this.windowStart >= 2 * this.windowMs;
    const old = this.prev;
    this.prev = this.cur;
    if (stale) this.prev.clear();
    old.clear();
    this.cur = old;
    this.windowStart = now;
  }
}
