// Recent traffic of the live pool as shapes (arrival time, size, run time,
// outcome — never contents), bounded in count and age, for the tuning
// assistant's replay load. Fed by pool.setTrafficRecorder; add() is on the
// hot path, so it is a ring write and nothing else.
import type { ReplaySummary } from '../../../common/tuning';
import type { TrafficRecord } from '../../pool/index';

export const TRAFFIC_CAP = 10_000;
export const TRAFFIC_WINDOW_MS = 10 * 60_000;

export class TrafficLog {
  private readonly ring: (TrafficRecord | undefined)[];
  private next = 0;

  constructor(private readonly cap = TRAFFIC_CAP) {
    this.ring = new Array(cap);
  }

  add(r: TrafficRecord): void {
    this.ring[this.next] = r;
    this.next = (this.next + 1) % this.cap;
  }

  /** Records of the last `windowMs`, oldest first by arrival. */
  recent(now: number, windowMs = TRAFFIC_WINDOW_MS): TrafficRecord[] {
    const from = now - windowMs;
    const out = this.ring.filter((r): r is TrafficRecord => r !== undefined && r.t >= from);
    return out.sort((a, b) => a.t - b.t);
  }
}

export function summarize(records: readonly TrafficRecord[]): ReplaySummary {
  const n = records.length;
  const spanMs = n > 1 ? records[n - 1]!.t - records[0]!.t : 0;
  const sum = (f: (r: TrafficRecord) => number) => records.reduce((s, r) => s + f(r), 0);
  return {
    messages: n,
    spanMs,
    rate: spanMs > 0 ? ((n - 1) * 1000) / spanMs : 0,
    meanBytes: n ? sum((r) => r.bytes) / n : 0,
    meanRunMs: n ? sum((r) => r.runMs) / n : 0,
    errorRate: n ? records.filter((r) => r.outcome === 'error').length / n : 0,
  };
}
