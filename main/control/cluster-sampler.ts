// Cluster mode's metrics samples (docs/cluster.md): the same MetricsSample the
// local pool's sampler makes, built from the hosts' cumulative counters (summed
// per host id across its processes, so a restarted host keeps what it did)
// and the gauges of the hosts not down. History tiers, Charts, alerts, exports
// and /metrics then show the cluster, not the control center's own pool.
import type { MetricsSample, WorkerSample } from '../../preload/contract';
import { latencyDelta, quantileMs } from '../cluster/counts';
import type { ClusterTotals, HostLatency, HostsView } from '../cluster/index';
import { round } from './sample-math';

export class ClusterSampleBuilder {
  private prevT: number | undefined;
  private prev: { processed: number; errors: number; latency: HostLatency | null } | null = null;
  private prevWorker = new Map<string, number>();

  build(view: HostsView, t: number): MetricsSample {
    const tot = view.totals ?? null;
    const dtSec = this.prevT === undefined ? 0 : Math.max(0.001, (t - this.prevT) / 1000);
    const errors = tot ? errorsOf(tot) : 0;
    const processed = tot?.processed ?? 0;
    const first = this.prev === null;
    // The ledger never steps back; a control center that reconnected starts a new baseline all the same.
    const dMsgs = first || processed < this.prev!.processed ? 0 : processed - this.prev!.processed;
    const dErrs = first || errors < this.prev!.errors ? 0 : errors - this.prev!.errors;
    const lat = first ? null : latencyDelta(this.prev!.latency, tot?.latency ?? null);
    this.prev = { processed, errors, latency: tot?.latency ?? null };
    this.prevT = t;
    const msgs = Math.max(dMsgs, dErrs);
    return {
      t,
      throughput: dtSec === 0 ? 0 : round(dMsgs / dtSec),
      errorRate: msgs === 0 ? 0 : round(Math.min(1, dErrs / msgs), 4),
      messages: msgs,
      // Answer times of this interval's answers on the hosts (p95/p99: upper bounds of their buckets).
      avgLatencyMs: lat && lat.count > 0 ? round(lat.sumMs / lat.count) : 0,
      p95LatencyMs: lat ? round(quantileMs(lat, 0.95)) : 0,
      p99LatencyMs: lat ? round(quantileMs(lat, 0.99)) : 0,
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

const errorsOf = (t: ClusterTotals) => t.outcomes.agentError + t.outcomes.timedOut;
