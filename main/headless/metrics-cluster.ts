// Prometheus series for cluster hosts (docs/cluster.md), set at scrape time
// from getHosts. Absent in single-machine mode: no series at all, not zeros.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HostsView, HostView, OutcomeCounts } from '../../common/contract';

// The `outcome` label values of greenlet_pool_messages_total (metrics.ts), restated: that file imports this one.
const OUTCOMES: Partial<Record<keyof OutcomeCounts, string>> = { answered: 'answered', agentError: 'agent_error', timedOut: 'timed_out' };
const LATENCY = 'greenlet_cluster_message_latency_seconds';

/** Per-host answer-time histograms in the text format (prom-client cannot take pre-counted buckets). */
function latencyText(hosts: readonly HostView[]): string {
  const withLatency = hosts.filter((h) => h.totals.latency);
  if (withLatency.length === 0) return '';
  const lines = [
    `# HELP ${LATENCY} Time on the host from taking a message to its answer being stored, answered messages, per host id across its processes`,
    `# TYPE ${LATENCY} histogram`,
  ];
  for (const h of withLatency) {
    const l = h.totals.latency!;
    const host = `host="${h.hostId}"`; // host ids are [A-Za-z0-9_-]: nothing to escape
    let cumulative = 0;
    l.boundsMs.forEach((ms, i) => {
      cumulative += l.counts[i] ?? 0;
      lines.push(`${LATENCY}_bucket{${host},le="${ms / 1000}"} ${cumulative}`);
    });
    lines.push(
      `${LATENCY}_bucket{${host},le="+Inf"} ${l.count}`,
      `${LATENCY}_sum{${host}} ${l.sumMs / 1000}`,
      `${LATENCY}_count{${host}} ${l.count}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Sets the cluster series from getHosts; returns the text of the histograms prom-client cannot hold, to append. */
export function clusterGauges(registry: Registry): (v: HostsView) => string {
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const up = g('greenlet_cluster_host_up', 'Host heartbeat is fresh (1) or stale/down (0)', ['host', 'status']);
  const age = g('greenlet_cluster_host_heartbeat_age_seconds', 'Time since the host was last heard from', ['host']);
  const capacity = g('greenlet_cluster_host_capacity', 'Messages the host takes at once', ['host']);
  const inFlight = g('greenlet_cluster_host_in_flight', 'Messages the host is working on', ['host']);
  const throughput = g('greenlet_cluster_host_throughput', 'Results per second over the host’s last heartbeat period', ['host']);
  // Counters per host id across its processes (a restarted host keeps its count: docs/cluster.md);
  // set to the ledger's totals each scrape, which never go down while the control center runs.
  const c = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const messages = c('greenlet_cluster_messages_total', 'Messages the host stored an answer for, by outcome (answered, agent_error, timed_out)', [
    'host',
    'outcome',
  ]);
  const duplicates = c(
    'greenlet_cluster_duplicate_results_total',
    'Results the host computed after another host had stored that message’s answer (a redelivery lost the race)',
    ['host'],
  );
  const ackPending = g('greenlet_cluster_ack_pending', 'Messages delivered to hosts and not yet acked');
  const maxAckPending = g('greenlet_cluster_max_ack_pending', 'The work consumer’s max_ack_pending');
  return (v) => {
    for (const gauge of [up, age, capacity, inFlight, throughput, messages, duplicates]) gauge.reset(); // a host that left disappears
    if (!v.enabled) return '';
    for (const h of v.hosts) {
      for (const [k, outcome] of Object.entries(OUTCOMES)) messages.inc({ host: h.hostId, outcome }, h.totals.outcomes[k as keyof OutcomeCounts]);
      duplicates.inc({ host: h.hostId }, h.totals.duplicates);
      up.set({ host: h.hostId, status: h.status }, h.status === 'up' || h.status === 'draining' ? 1 : 0);
      age.set({ host: h.hostId }, h.heartbeatAgeMs / 1000);
      capacity.set({ host: h.hostId }, h.capacity);
      inFlight.set({ host: h.hostId }, h.inFlight);
      throughput.set({ host: h.hostId }, h.throughput);
    }
    if (v.ackPending) {
      ackPending.set(v.ackPending.ackPending);
      maxAckPending.set(v.ackPending.maxAckPending);
    }
    return latencyText(v.hosts);
  };
}
