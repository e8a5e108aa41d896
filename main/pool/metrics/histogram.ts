// Cheap latency histogram: log-scale buckets (≈4 % resolution), O(1) record with
// no allocation, percentiles by a scan of ~430 counters only when stats are read.
// Two windows rotate so percentiles describe the last 1–2 minutes, not the whole
// uptime (an operator watching a chart wants "now", PM2/Flower style).
const STEPS_PER_OCTAVE = 16;
const BUCKETS = 27 * STEPS_PER_OCTAVE; // up to 2^27 µs ≈ 134 s; longer values land in the last bucket

function bucketOf(ms: number): number {
  const us = ms > 0 ? ms * 1000 : 0;
  const i = Math.floor(Math.log2(1 + us) * STEPS_PER_OCTAVE);
  return i < BUCKETS ? i : BUCKETS - 1;
}

function valueOf(bucket: number): number {
  return (2 ** ((bucket + 0.5) / STEPS_PER_OCTAVE) - 1) / 1000;
}

export class LatencyHistogram {
  private cur = new Uint32Array(BUCKETS);
  private prev = new Uint32Array(BUCKETS);
  private curCount = 0;
  private prevCount = 0;
  private curSum = 0;
  private prevSum = 0;
  private windowStart: number;

  constructor(
    private readonly windowMs = 60_000,
    now = performance.now(),
  ) {
    this.windowStart = now;
  }

  record(ms: number, now: number): void {
    if (now - this.windowStart >= this.windowMs) this.rotate(now);
    this.cur[bucketOf(ms)]!++;
    this.curCount++;
    this.curSum += ms;
  }

  get count(): number {
    return this.curCount + this.prevCount;
  }

  mean(): number {
    const n = this.curCount + this.prevCount;
    return n === 0 ? 0 : (this.curSum + this.prevSum) / n;
  }

  /** q in 0..1; 0 when nothing was recorded. */
  percentile(q: number): number {
    const n = this.curCount + this.prevCount;
    if (n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.cur[i]! + this.prev[i]!;
      if (seen >= rank) return valueOf(i);
    }
    return valueOf(BUCKETS - 1);
  }

  reset(now = performance.now()): void {
    this.cur.fill(0);
    this.prev.fill(0);
    this.curCount = this.prevCount = 0;
    this.curSum = this.prevSum = 0;
    this.windowStart = now;
  }

  private rotate(now: number): void {
    // A gap longer than two windows means both windows are stale.
    const stale = now - this.windowStart >= 2 * this.windowMs;
    const old = this.prev;
    this.prev = this.cur;
    this.prevCount = stale ? 0 : this.curCount;
    this.prevSum = stale ? 0 : this.curSum;
    if (stale) this.prev.fill(0);
    old.fill(0);
    this.cur = old;
    this.curCount = 0;
    this.curSum = 0;
    this.windowStart = now;
  }
}
