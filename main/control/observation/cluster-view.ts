// The control plane's window onto a cluster (docs/cluster.md): hosts and their
// state, host alerts, dead letters and per-host control. Present only when a
// cluster is configured; single-machine mode never loads a NATS client.
import type { LogEvent } from '../../../common/contract';
import {
  ClusterClient,
  ClusterMonitor,
  brokerIsUnauthenticated,
  connectCluster,
  type ClusterOptions,
  type DeadLetter,
  type HostControlReply,
  type HostControlRequest,
  type HostsView,
} from '../../cluster/index';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AlertThresholds } from '../../../common/schemas';
import type { AlertCheck } from './alerts';
import { ClusterEventAlerts } from './cluster-alerts';

type Log = (e: Omit<LogEvent, 'seq' | 'time'>) => void;

export class ClusterView {
  private monitor: ClusterMonitor | null = null;
  private client: ClusterClient | null = null;
  private close: (() => Promise<void>) | null = null;
  private nc: NatsConnection | null = null;
  private readonly events = new ClusterEventAlerts(); // restarts and poison per host

  constructor(
    readonly o: ClusterOptions,
    private readonly log: Log,
  ) {}

  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  /**
   * Connects in the background and keeps trying every 2 s: a server that is not up yet must not
   * keep the control center from opening. The first failure is logged, not every retry.
   */
  startInBackground(onFirstError: (err: Error) => void): void {
    let reported = false;
    const attempt = () => {
      if (this.stopped) return;
      this.start().catch((err: Error) => {
        if (!reported) onFirstError(err);
        reported = true;
        this.retry = setTimeout(attempt, 2_000);
      });
    };
    attempt();
  }

  async start(): Promise<void> {
    const nc = await connectCluster(this.o, 'gcc-control-center');
    this.close = async () => void (await nc.drain().catch(() => undefined));
    this.nc = nc;
    const m = new ClusterMonitor(nc, this.o);
    m.on('host', (c: { hostId: string; from: string; to: string; heartbeatAgeMs: number }) => {
      const level = c.to === 'down' ? 'error' : c.to === 'stale' ? 'warn' : 'info';
      this.log({
        type: 'host.state',
        level,
        message: `host ${c.hostId}: ${c.from} → ${c.to} (heartbeat ${Math.round(c.heartbeatAgeMs)} ms ago)`,
        data: { ...c },
      });
    });
    m.on('alert', (a: { message: string; data: Record<string, unknown> }) =>
      this.log({ type: 'cluster.ack_pending', level: 'warn', message: a.message, data: a.data }),
    );
    m.on('deadLetter', (d: { messageId: string; deliveries: number; hostId: string | null }) => {
      this.events.observePoison(Date.now(), d.hostId);
      const on = d.hostId ? ` (last on host ${d.hostId})` : '';
      this.log({
        type: 'cluster.dead_letter',
        level: 'error',
        message: `message ${d.messageId} moved to dead letters after ${d.deliveries} deliveries${on}`,
        data: { ...d },
      });
    });
    // Malformed records from the broker: dropped; one rate-limited line each (main/cluster/records.ts).
    const junk = (message: string) => this.log({ type: 'cluster.junk', level: 'warn', message });
    m.on('junk', junk);
    await m.start();
    const client = new ClusterClient(this.o);
    client.junk.log = junk;
    await client.start(nc);
    // Both at once: "connected" must mean tasks can go out too.
    this.monitor = m;
    this.client = client;
  }

  /** Where the control center's tasks and load go in cluster mode: through JetStream to the hosts. */
  get executor(): ClusterClient {
    if (!this.client)
      throw Object.assign(new Error(`Not connected to the cluster at ${this.o.servers.join(', ')} yet; tasks go to the cluster's hosts once it is`), {
        code: 'ERR_CLUSTER_UNAVAILABLE',
      });
    return this.client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.monitor?.stop();
    await this.client?.close();
    await this.close?.();
  }

  view(): HostsView {
    const hosts = this.monitor?.list() ?? [];
    return {
      enabled: true,
      servers: this.o.servers,
      pool: this.o.pool,
      connected: this.monitor !== null,
      unauthenticatedBroker: this.monitor !== null && this.nc !== null && brokerIsUnauthenticated(this.nc),
      hosts,
      ackPending: this.monitor?.lastAck ?? null,
      ...(this.monitor ? { totals: this.monitor.totals(hosts) } : {}),
    };
  }

  /**
   * Alert rules: a host down, ack-pending near max_ack_pending (delivery stalls at the limit), and
   * per host the restart and poison rules the local pool has (cluster-alerts.ts). Called once per sample.
   */
  checks(t: AlertThresholds, now = Date.now()): AlertCheck[] {
    const hosts = this.monitor?.list() ?? [];
    this.events.observeHosts(hosts, now);
    const out: AlertCheck[] = this.events.checks(now, t);
    for (const h of hosts) {
      if (h.state === 'draining' && h.status !== 'down') continue;
      const down = h.status === 'down';
      out.push({
        id: `hostDown:${h.hostId}`,
        kind: 'hostDown',
        severity: 'critical',
        value: h.heartbeatAgeMs,
        threshold: this.o.downAfterMs,
        breach: down,
        clear: h.status === 'up',
        message: `Host ${h.hostId} is down (no heartbeat for ${Math.round(h.heartbeatAgeMs / 1000)} s)`,
        hostId: h.hostId,
      });
    }
    const a = this.monitor?.lastAck;
    if (a) {
      const limit = a.maxAckPending * this.o.ackPendingAlertRatio;
      out.push({
        id: 'clusterAckPending',
        kind: 'clusterAckPending',
        severity: 'warning',
        value: a.ackPending,
        threshold: limit,
        breach: a.ackPending >= limit,
        clear: a.ackPending < limit * 0.9,
        message: `Ack pending ${a.ackPending} of max_ack_pending ${a.maxAckPending}: delivery stalls at the limit`,
      });
    }
    return out;
  }

  private need(): ClusterMonitor {
    if (!this.monitor)
      throw Object.assign(new Error(`Not connected to the cluster at ${this.o.servers.join(', ')} yet`), { code: 'ERR_CLUSTER_UNAVAILABLE' });
    return this.monitor;
  }

  control(hostId: string, req: HostControlRequest): Promise<HostControlReply[]> {
    return this.need().control(hostId, req);
  }

  deadLetters(): Promise<DeadLetter[]> {
    return this.need().deadLetters!.list();
  }

  requeue(seq: number): Promise<{ messageId: string; caller: string }> {
    return this.need().deadLetters!.requeue(seq);
  }
}
