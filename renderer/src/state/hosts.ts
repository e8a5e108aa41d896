// Cluster hosts as the control plane last reported them (the 'hosts' event, once per
// sample). Pure helpers below are what the Hosts view shows; tested without React.
import { create } from 'zustand';
import type { HostsView, HostView } from '../../../common/contract';

interface HostsState {
  view: HostsView | null;
  setView(v: HostsView): void;
}

export const useHosts = create<HostsState>()((set) => ({
  view: null,
  setView: (view) => set({ view }),
}));

export interface HostCounts {
  up: number;
  stale: number;
  down: number;
  capacity: number; // slots of hosts that are up
  throughput: number; // msg/s over hosts that are up
}

/** Summary line: how many hosts in each state and what the live ones can take. */
export function hostCounts(hosts: readonly HostView[]): HostCounts {
  const c: HostCounts = { up: 0, stale: 0, down: 0, capacity: 0, throughput: 0 };
  for (const h of hosts) {
    if (h.status === 'down') c.down++;
    else if (h.status === 'stale') c.stale++;
    else {
      c.up++;
      c.capacity += h.capacity;
      c.throughput += h.throughput;
    }
  }
  c.throughput = Math.round(c.throughput * 10) / 10;
  return c;
}

export const statusTone = (s: HostView['status']) => (s === 'up' ? 'ok' : s === 'down' ? 'crit' : s === 'stale' ? 'warn' : 'muted');

/** A down host's last numbers are history, not a live reading: show its heartbeat age instead of stale throughput. */
export function liveThroughput(h: HostView): number | null {
  return h.status === 'down' ? null : h.throughput;
}

/** The cluster view when this control center routes through a cluster (else null: single-machine mode). */
export const useCluster = () => useHosts((s) => (s.view?.enabled ? s.view : null));
