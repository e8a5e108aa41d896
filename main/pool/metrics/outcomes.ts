// The engine's one count of how messages ended. Every message that reached execute() lands in
// exactly one outcome, counted where it is settled (the door in pool.ts, the rest in the
// dispatcher), so sent = answered + agentError + timedOut + rejected + cancelled holds exactly.
// The latency buckets are fixed (Prometheus-style bounds), so /metrics can publish them as a
// real histogram: record() is a short scan of 16 bounds per answered message.
import type { LatencyBuckets, OutcomeCounts, PoolErrorCode } from '../types';

export type Outcome = keyof OutcomeCounts;

/** Bounds of the latency histogram, ms (the last bucket holds everything above 60 s). */
export const LATENCY_BOUNDS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

/**
 * Where an error code lands. `atDoor`: execute() refused the message before it was accepted
 * (pool not started or closed, bad message); after acceptance, a closed pool or a lost worker is
 * a failure of the message, counted with agent errors. Full queues are rejections wherever they
 * are seen (the worker's queue refuses only after the pool handed the message over).
 */
export function outcomeOf(code: PoolErrorCode | string | undefined, atDoor: boolean): Outcome {
  switch (code) {
    case 'ERR_QUEUE_FULL':
    case 'ERR_WORKER_QUEUE_FULL':
      return 'rejected';
    case 'ERR_TIMEOUT':
    case 'ERR_QUEUE_TIMEOUT':
      return 'timedOut';
    case 'ERR_CANCELLED':
      return 'cancelled';
    default:
      return atDoor ? 'rejected' : 'agentError';
  }
}

export class OutcomeCounter {
  readonly counts: OutcomeCounts = { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };
  readonly byQueue = { pool: 0, worker: 0 };
  private readonly buckets = new Float64Array(LATENCY_BOUNDS_MS.length + 1);
  private sumMs = 0;

  answered(latencyMs: number): void {
    this.counts.answered++;
    const bounds = LATENCY_BOUNDS_MS;
    let i = 0;
    while (i < bounds.length && latencyMs > bounds[i]!) i++;
    this.buckets[i]! += 1;
    if (latencyMs > 0) this.sumMs += latencyMs;
  }

  /** A failed message: `code` decides its outcome (see outcomeOf). */
  failed(code: PoolErrorCode | string | undefined, atDoor: boolean): void {
    const o = outcomeOf(code, atDoor);
    this.counts[o]++;
    if (code === 'ERR_QUEUE_FULL') this.byQueue.pool++;
    else if (code === 'ERR_WORKER_QUEUE_FULL') this.byQueue.worker++;
  }

  snapshotCounts(): OutcomeCounts {
    return { ...this.counts };
  }

  histogram(): LatencyBuckets {
    return { boundsMs: [...LATENCY_BOUNDS_MS], counts: Array.from(this.buckets), sumMs: this.sumMs, count: this.counts.answered };
  }
}
