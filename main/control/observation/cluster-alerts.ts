// Cluster mode's restart and poison alerts (docs/cluster.md): the local pool's
// EventAlerts see only the control center's own workers, which take none of the
// cluster's traffic. The hosts report each worker's cumulative `restarts` in their
// heartbeat records and the dead-letter router reports every poison message it
// moves (with the host that gave up on it when known), so the same rules run per
// host here, the host named in the alert.
import type { AlertThresholds } from '../../../common/schemas';
import type { HostView } from '../../../common/cluster-types';
import type { AlertCheck } from './alerts';
import { POISON_WINDOW_MS } from './event-alerts';

const MINUTE = 60_000;

export class ClusterEventAlerts {
  // host id + process + worker id → restarts last seen: a restarted host's workers count from 0 again.
  // Rebuilt on each look, so workers recycled away and old processes do not pile up.
  private seen = new Map<string, number>();
  private readonly restarts = new Map<string, number[]>(); // host id → time of each restart seen
  private poison: Array<{ at: number; hostId: string | null }> = [];

  /** Host records as the monitor holds them; call once per sample. */
  observeHosts(hosts: readonly HostView[], now: number): void {
    const next = new Map<string, number>();
    for (const h of hosts) {
      for (const w of h.workers) {
        const key = `${h.hostId}\u0000${h.pid}\u0000${w.id}`;
        const before = this.seen.get(key);
        next.set(key, w.restarts);
        // first sight of a worker: its restarts so far are its baseline, not this minute's
        if (before === undefined || w.restarts <= before) continue;
        const list = this.restarts.get(h.hostId) ?? [];
        for (let i = before; i < w.restarts; i++) list.push(now);
        this.restarts.set(h.hostId, list);
      }
    }
    this.seen = next;
  }

  /** A message the dead-letter router moved after max_deliver tries. */
  observePoison(at: number, hostId: string | null): void {
    this.poison.push({ at, hostId });
  }

  checks(now: number, t: AlertThresholds): AlertCheck[] {
    const out: AlertCheck[] = [];
    for (const [hostId, times] of this.restarts) {
      const recent = times.filter((at) => now - at < MINUTE);
      if (recent.length === 0) {
        this.restarts.delete(hostId); // no rule left for it: the engine clears its alert
        continue;
      }
      this.restarts.set(hostId, recent);
      if (t.restartsPerMinute <= 0) continue;
      const n = recent.length;
      out.push({
        id: `workerRestarts:${hostId}`,
        kind: 'workerRestarts',
        severity: 'warning',
        value: n,
        threshold: t.restartsPerMinute,
        hostId,
        breach: n >= t.restartsPerMinute,
        clear: n < t.restartsPerMinute,
        message: `Host ${hostId}: ${n} worker restart${n === 1 ? '' : 's'} in the last minute (alert at ${t.restartsPerMinute})`,
      });
    }
    this.poison = this.poison.filter((p) => now - p.at < POISON_WINDOW_MS);
    if (t.poisonMessages > 0 && this.poison.length > 0) {
      const n = this.poison.length;
      const named = [...new Set(this.poison.map((p) => p.hostId).filter((h): h is string => h !== null))];
      const where = named.length > 0 ? ` (last tried on host ${named.join(', ')})` : '';
      out.push({
        id: 'poisonMessage:cluster',
        kind: 'poisonMessage',
        severity: 'critical',
        value: n,
        threshold: t.poisonMessages,
        ...(named.length === 1 ? { hostId: named[0] } : {}),
        breach: n >= t.poisonMessages,
        clear: n < t.poisonMessages,
        message: `${n} poison message${n === 1 ? '' : 's'} in the cluster in the last ${POISON_WINDOW_MS / MINUTE} minutes${where}: each was delivered the most times allowed and moved to dead letters`,
      });
    }
    return out;
  }
}
