// Prometheus series for cluster hosts (docs/cluster.md), set at scrape time
// from getHosts. Absent in single-machine mode: no series at all, not zeros.
import { Gauge, type Registry } from 'prom-client';
import type { HostsView } from '../../common/contract';

export function clusterGauges(registry: Registry): (v: HostsView) => void {
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const up = g('greenlet_cluster_host_up', 'Host heartbeat is fresh (1) or stale/down (0)', ['host', 'status']);
  const age = g('greenlet_cluster_host_heartbeat_age_seconds', 'Time since the host was last heard from', ['host']);
  const capacity = g('greenlet_cluster_host_capacity', 'Messages the host takes at once', ['host']);
  const inFlight = g('greenlet_cluster_host_in_flight', 'Messages the host is working on', ['host']);
  const throughput = g('greenlet_cluster_host_throughput', 'Results per second over the host’s last heartbeat period', ['host']);
  const ackPending = g('greenlet_cluster_ack_pending', 'Messages delivered to hosts and not yet acked');
  const maxAckPending = g('greenlet_cluster_max_ack_pending', 'The work consumer’s max_ack_pending');
  return (v) => {
    for (const gauge of [up, age, capacity, inFlight, throughput]) gauge.reset(); // a host that left disappears
    if (!v.enabled) return;
    for (const h of v.hosts) {
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
  };
}
