// What each host id did, over all of its processes. A host record's counters
// are its process's (they start at 0 when the host restarts); a record with a
// new pid/startedAt is a new process, and the previous one's last figures are
// kept, as Prometheus keeps a counter across a reset. A SIGKILLed process's
// answers after its last beat are in no record: such an end is counted
// (uncleanEnds), and the totals are then lower bounds.
import { addLatency, addOutcomes, emptyLatency, noOutcomes } from './counts';
import type { ClusterTotals, HostRecord, HostTotals, HostView } from '../../common/cluster-types';

// A host restarted more often than this folds its oldest processes into one sum (bounded memory).
const MAX_PROCESSES = 64;

interface Proc {
  key: string;
  rec: HostRecord;
}

export class HostLedger {
  private readonly byHost = new Map<string, { procs: Proc[]; folded: HostTotals; before: HostTotals['before']; unclean: number }>();

  /**
   * Records a host's latest heartbeat; a record older than the one held for its process is ignored.
   * `replayed`: the record was in the bucket before this control center watched (not a live beat).
   */
  add(rec: HostRecord, replayed = false): void {
    // The record passed hostRecordSchema (records.ts), counters included: the one check of its shape.
    let h = this.byHost.get(rec.hostId);
    if (!h) {
      const before = replayed
        ? { processed: rec.processed, outcomes: { ...noOutcomes(), ...rec.outcomes } }
        : { processed: 0, outcomes: noOutcomes() };
      this.byHost.set(rec.hostId, (h = { procs: [], folded: zeroTotals(0), before, unclean: 0 }));
    }
    const key = `${rec.pid}:${rec.startedAt}`;
    const p = h.procs.find((x) => x.key === key);
    if (!p) {
      // The previous process's last word was 'up', not a clean stop's final 'draining' record: it was killed.
      if (h.procs.at(-1)?.rec.state === 'up') h.unclean++;
      h.procs.push({ key, rec });
    } else if (rec.processed >= p.rec.processed) p.rec = rec; // cumulative within a process: never step back
    while (h.procs.length > MAX_PROCESSES) {
      const old = h.procs.shift()!;
      addRecord(h.folded, old.rec);
      h.folded.processes++;
    }
  }

  totals(hostId: string): HostTotals {
    const h = this.byHost.get(hostId);
    const t = zeroTotals(0);
    if (!h) return t;
    t.before = { processed: h.before.processed, outcomes: { ...h.before.outcomes } };
    t.uncleanEnds = h.unclean;
    addTotals(t, h.folded);
    for (const p of h.procs) {
      addRecord(t, p.rec);
      t.processes++;
    }
    return t;
  }
}

export const zeroTotals = (processes: number): HostTotals => ({
  processed: 0,
  duplicates: 0,
  outcomes: noOutcomes(),
  latency: emptyLatency(),
  processes,
  uncleanEnds: 0,
  before: { processed: 0, outcomes: noOutcomes() },
});

function addRecord(t: HostTotals, r: HostRecord): void {
  t.processed += r.processed;
  t.duplicates += r.duplicates;
  addOutcomes(t.outcomes, r.outcomes);
  // Bounds that do not line up (a host of another version) leave the histogram out rather than mix scales.
  if (t.latency && !addLatency(t.latency, r.latency)) t.latency = null;
}

export function addTotals(into: HostTotals, t: HostTotals): void {
  into.before.processed += t.before.processed;
  addOutcomes(into.before.outcomes, t.before.outcomes);
  into.processed += t.processed;
  into.duplicates += t.duplicates;
  into.processes += t.processes;
  into.uncleanEnds += t.uncleanEnds;
  addOutcomes(into.outcomes, t.outcomes);
  if (into.latency && (!t.latency || !addLatency(into.latency, t.latency))) into.latency = null;
}

/** The whole cluster: counters summed over every host id (a host down keeps what it did), gauges over the hosts not down. */
export function clusterTotals(hosts: readonly HostView[]): ClusterTotals {
  const t: ClusterTotals = {
    ...zeroTotals(0),
    hosts: hosts.length,
    hostsUp: 0,
    workers: 0,
    healthy: 0,
    busy: 0,
    available: 0,
    inFlight: 0,
    capacity: 0,
  };
  for (const h of hosts) {
    addTotals(t, h.totals);
    if (h.status === 'down') continue; // its last record is history, not what runs now
    if (h.status === 'up' || h.status === 'draining') t.hostsUp++;
    t.workers += h.pool.total;
    t.healthy += h.pool.healthy;
    t.busy += h.pool.busy ?? h.workers.filter((w) => w.inFlight > 0).length;
    t.available += h.pool.available ?? h.pool.healthy;
    t.inFlight += h.inFlight;
    t.capacity += h.capacity;
  }
  return t;
}
