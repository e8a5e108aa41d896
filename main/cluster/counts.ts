// Cumulative counters a host keeps and the control center adds up: outcomes of
// the answers a host stored and a histogram of their times. Pure functions, so
// the host (observing) and the control center (summing) share one definition.
import { LATENCY_BOUNDS_MS, outcomeOf as engineOutcome } from '../pool/index';
import type { HostLatency, HostOutcomes } from '../../common/cluster-types';
import type { ResultRecord } from './wire';

// The engine's bounds, so host histograms and the local pool's add up bucket by bucket.
export const HOST_LATENCY_BOUNDS_MS: readonly number[] = LATENCY_BOUNDS_MS;

export const noOutcomes = (): HostOutcomes => ({ answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 });

export const emptyLatency = (boundsMs: readonly number[] = HOST_LATENCY_BOUNDS_MS): HostLatency => ({
  boundsMs: [...boundsMs],
  counts: new Array<number>(boundsMs.length + 1).fill(0),
  sumMs: 0,
  count: 0,
});

/** Which outcome a stored result is, by the engine's code → outcome map (a stored result was accepted: never 'at the door'). */
export function outcomeOf(rec: ResultRecord): keyof HostOutcomes {
  return rec.ok ? 'answered' : engineOutcome(rec.error?.code, false);
}

export function observe(h: HostLatency, ms: number): void {
  let i = h.boundsMs.findIndex((b) => ms <= b);
  if (i < 0) i = h.boundsMs.length;
  h.counts[i] = (h.counts[i] ?? 0) + 1;
  h.sumMs += ms;
  h.count++;
}

export function addOutcomes(into: HostOutcomes, o: HostOutcomes | undefined): void {
  if (!o) return;
  into.answered += o.answered;
  into.agentError += o.agentError;
  into.timedOut += o.timedOut;
  into.rejected += o.rejected;
  into.cancelled += o.cancelled;
}

/** Adds `h` into `into` when their bounds agree; returns false (nothing added) when they do not. */
export function addLatency(into: HostLatency, h: HostLatency | undefined): boolean {
  if (!h) return true;
  if (h.boundsMs.length !== into.boundsMs.length || h.boundsMs.some((b, i) => b !== into.boundsMs[i])) return false;
  h.counts.forEach((c, i) => (into.counts[i] = (into.counts[i] ?? 0) + c));
  into.sumMs += h.sumMs;
  into.count += h.count;
  return true;
}

/**
 * The q-quantile (0..1) of a histogram, as the upper bound of the bucket it falls in: an upper
 * estimate, never below the true value (the last bucket has no bound: its lower one is given).
 */
export function quantileMs(h: HostLatency, q: number): number {
  if (h.count === 0) return 0;
  const rank = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    seen += h.counts[i] ?? 0;
    if (seen >= rank) return h.boundsMs[i] ?? h.boundsMs[h.boundsMs.length - 1] ?? 0;
  }
  return h.boundsMs[h.boundsMs.length - 1] ?? 0;
}

/** b − a, bucket by bucket (the interval between two cumulative readings); null when they do not line up. */
export function latencyDelta(a: HostLatency | null, b: HostLatency | null): HostLatency | null {
  if (!b) return null;
  if (!a) return b;
  if (a.counts.length !== b.counts.length) return null;
  return {
    boundsMs: b.boundsMs,
    counts: b.counts.map((c, i) => Math.max(0, c - (a.counts[i] ?? 0))),
    sumMs: Math.max(0, b.sumMs - a.sumMs),
    count: Math.max(0, b.count - a.count),
  };
}
