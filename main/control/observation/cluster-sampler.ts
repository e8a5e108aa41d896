// Cluster mode's metrics samples (docs/cluster.md): the same MetricsSample the
// local pool's sampler makes, built from the hosts' cumulative counters (summed
// per host id across its processes, so a restarted host keeps what it did)
// and the gauges of the hosts not down. History tiers, Charts, alerts, exports
// and /metrics then show the cluster, not the control center's own pool.
import type { MetricsSample, OutcomeCounts, WorkerSample } from '../../../common/contract';
import { addLatency, emptyLatency, latencyDelta, quantileMs } from '../../cluster/counts';
import type { HostLatency, HostsView } from '../../cluster/index';
import { OUTCOME_FIELDS, outcomeRates, round } from './sample-math';

// Latency over the last ~10 s of answers, as the engine's own window (10–20 s) does for the local pool.
const LATENCY_WINDOW_MS = 10_000;

interface HostReading {
  processed: number;
  outcomes: OutcomeCounts;
  latency: HostLatency | null;
}

export class ClusterSampleBuilder {
  private prevT: number | undefined;
  // Per host id. A host's baseline is what it had counted before this control center heard of it
  // (totals.before: a record replayed at connect), so those counts are not one interval's traffic,
  // while everything counted since, even before this builder's first look, is in some sample.
  private readonly prev = new Map<string, HostReading>();
  private readonly seen: HostLatency = emptyLatency(); // answers' times summed from the per-interval deltas
  // Readings of `seen` in the window, from a zero reading: the first sample's answers have times too.
  private readonly latencies: Array<{ t: number; h: HostLatency }> = [{ t: -Infinity, h: emptyLatency() }];
  private prevWorker = new Map<string, number>();

  build(view: HostsView, t: number): MetricsSample {
    const tot = view.totals ?? null;
    const dtSec = this.prevT === undefined ? 0 : Math.max(0.001, (t - this.prevT) / 1000);
    this.prevT = t;
    const d: OutcomeCounts = { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };
    let dMsgs = 0;
    for (const h of view.hosts) {
      const now: HostReading = { processed: h.totals.processed, outcomes: { ...h.totals.outcomes }, latency: h.totals.latency };
      const known = this.prev.get(h.hostId);
      const before = known ?? { processed: h.totals.before.processed, outcomes: h.totals.before.outcomes, latency: null };
      this.prev.set(h.hostId, now);
      // The ledger never steps back; a step back all the same (state lost) counts as nothing, not as negative.
      dMsgs += Math.max(0, now.processed - before.processed);
      for (const k of OUTCOME_FIELDS) d[k] += Math.max(0, now.outcomes[k] - before.outcomes[k]);
      // A host first heard with nothing counted before (not a replayed record) started from zero:
      // its first interval's answer times are all of its histogram, as its counts are all of its
      // counts. (Dropping them left a burst answered within one interval with counts but no latency.)
      const fromZero = !known && h.totals.before.processed === 0;
      const dl = now.latency && (known?.latency || fromZero) ? latencyDelta(known?.latency ?? null, now.latency) : null;
      if (dl) addLatency(this.seen, dl);
    }
    const lat = this.window(t);
    const traffic = lat !== null && lat.count > 0;
    return {
      t,
      throughput: dtSec === 0 ? 0 : round(dMsgs / dtSec),
      outcomes: d,
      ...outcomeRates(d),
      // Answer times on the hosts over the window; p95/p99 are the upper bounds of their buckets.
      // null: nothing answered in the window ("no traffic"), never a held old figure.
      avgLatencyMs: traffic ? round(lat.sumMs / lat.count) : null,
      p95LatencyMs: traffic ? round(quantileMs(lat, 0.95)) : null,
      p99LatencyMs: traffic ? round(quantileMs(lat, 0.99)) : null,
      // Waiting in the work stream, not yet delivered (consumer info, read every 2 s); a stream has no
      // bound of ours, so no capacity (the queue-fill alert needs one and stays quiet).
      queueDepth: view.ackPending?.pending ?? 0,
      queueCapacity: 0,
      inFlight: tot?.inFlight ?? 0,
      total: tot?.workers ?? 0,
      busy: tot?.busy ?? 0,
      available: tot?.available ?? 0,
      healthy: tot?.healthy ?? 0,
      workers: this.workers(view),
      hosts: view.hosts.map((h) => ({ id: h.hostId, status: h.status, throughput: h.throughput, inFlight: h.inFlight, capacity: h.capacity })),
    };
  }

  /** The answers of the last LATENCY_WINDOW_MS: the newest reading of `seen` minus the oldest one kept. */
  private window(t: number): HostLatency | null {
    const h = { ...this.seen, counts: [...this.seen.counts] };
    this.latencies.push({ t, h });
    while (this.latencies.length > 2 && this.latencies[1]!.t <= t - LATENCY_WINDOW_MS) this.latencies.shift();
    return this.latencies.length < 2 ? null : latencyDelta(this.latencies[0]!.h, h);
  }

  /** Per worker as `<host>/<worker>`, hosts not down; a worker's count that went back (new process) starts over. */
  private workers(view: HostsView): WorkerSample[] {
    const out: WorkerSample[] = [];
    const next = new Map<string, number>();
    for (const h of view.hosts) {
      if (h.status === 'down') continue;
      for (const w of h.workers) {
        const id = `${h.hostId}/${w.id}`;
        const before = this.prevWorker.get(id);
        next.set(id, w.messagesProcessed);
        const messages = before === undefined ? 0 : w.messagesProcessed >= before ? w.messagesProcessed - before : w.messagesProcessed;
        out.push({ id, messages, inFlight: w.inFlight, rssBytes: w.rssBytes, avgLatencyMs: round(w.averageResponseTime ?? 0) });
      }
    }
    this.prevWorker = next;
    return out;
  }
}
