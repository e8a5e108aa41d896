// The control center's view of the cluster: hosts from the hosts bucket (state
// by heartbeat age as *this* process received it, so host clock skew does not
// matter), the consumer's ack-pending against max_ack_pending, dead letters,
// and per-host control requests. Emits 'host' on every state change and
// 'alert' when ack-pending nears the limit.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadLetters } from './dead-letters';
import { KvFeed, type KvOp } from './kv-feed';
import { clusterTotals, HostLedger } from './host-ledger';
import type {
  AckPendingView,
  ClusterTotals,
  HostControlReply,
  HostControlRequest,
  HostRecord,
  HostState,
  HostView,
} from '../../common/cluster-types';
import { JS_TIMEOUT_MS, type ClusterOptions } from './options';
import { ensureStreams, names } from './topology';
import { Junk, readControlReply, readHostRecord } from './records';
import { encode } from './wire';

export class ClusterMonitor extends EventEmitter {
  private readonly hosts = new Map<string, { rec: HostRecord; receivedAt: number; status: HostState }>();
  private readonly ledger = new HostLedger();
  private timer: NodeJS.Timeout | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  private jsm: JetStreamManager | null = null;
  private alerting = false;
  private hostsFeed: KvFeed | null = null;
  deadLetters: DeadLetters | null = null;
  // Malformed host records, control replies and advisories: dropped; noted on 'junk' (the control plane's log), else stderr.
  readonly junk = new Junk((m) => void (this.emit('junk', m) || console.warn(`[cluster monitor] ${m}`)));
  lastAck: AckPendingView | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly o: ClusterOptions,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.jsm = await jetstreamManager(this.nc);
    const topo = await ensureStreams(this.nc, this.jsm, this.o);
    this.deadLetters = new DeadLetters(this.nc, topo.results, this.o, (d) => this.emit('deadLetter', d), this.junk);
    await this.deadLetters.start();
    await this.watchHosts();
    this.timer = setInterval(() => this.evaluate(), Math.max(100, Math.floor(this.o.heartbeatMs / 2)));
    this.ackTimer = setInterval(() => void this.checkAckPending(), 2_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.ackTimer) clearInterval(this.ackTimer);
    this.deadLetters?.stop();
    this.hostsFeed?.stop();
  }

  list(): HostView[] {
    const now = this.now();
    return [...this.hosts.values()]
      .map(({ rec, receivedAt, status }) => ({ ...rec, status, heartbeatAgeMs: now - receivedAt, totals: this.ledger.totals(rec.hostId) }))
      .sort((a, b) => a.hostId.localeCompare(b.hostId));
  }

  /** Counters summed over every host id seen (a host down keeps what it did); gauges over the hosts not down. */
  totals(hosts: HostView[] = this.list()): ClusterTotals {
    return clusterTotals(hosts);
  }

  /** Sends a control request to one host, or to every host ('all'); collects the replies. */
  async control(hostId: string | 'all', req: HostControlRequest, timeoutMs = 30_000): Promise<HostControlReply[]> {
    const subject = names(this.o.pool).controlSubject(hostId);
    if (hostId !== 'all') {
      const reply = readControlReply((await this.nc.request(subject, encode(req), { timeout: timeoutMs })).data, this.junk, subject);
      return [
        reply ?? {
          hostId,
          ok: false,
          error: { code: 'ERR_PROTOCOL', message: `the reply from ${hostId} did not match the control reply schema (dropped)` },
        },
      ];
    }
    const expect = this.list().filter((h) => h.status === 'up').length;
    const replies: HostControlReply[] = [];
    const it = await this.nc.requestMany(subject, encode(req), { strategy: 'count', maxWait: timeoutMs, maxMessages: Math.max(1, expect) });
    for await (const m of it) {
      const reply = readControlReply(m.data, this.junk, subject);
      if (reply) replies.push(reply);
    }
    return replies;
  }

  /** The hosts bucket through a KvFeed: a KV watch whose node died showed every host down for a minute. */
  private async watchHosts(): Promise<void> {
    const bucket = names(this.o.pool).hosts;
    const jsm = await jetstreamManager(this.nc, { timeout: JS_TIMEOUT_MS, checkAPI: false });
    const feed = { name: `hosts_${randomBytes(6).toString('hex')}`, stream: `KV_${bucket}`, prefix: `$KV.${bucket}.`, replay: true };
    this.hostsFeed = new KvFeed(this.nc, jsm, feed, (key, data, op, isUpdate) => this.onHostEntry(key, data, op, isUpdate));
    await this.hostsFeed.start();
  }

  private onHostEntry(key: string, data: Uint8Array, op: KvOp, isUpdate: boolean): void {
    if (op === 'PUT') {
      const rec = readHostRecord(data, this.junk, `hosts key ${key}`);
      if (!rec) return;
      // Only a host's own key may speak for it (the broker's permissions enforce it per host credential).
      if (rec.hostId !== key) {
        this.junk.drop('hosts', `hosts key ${key}`, `hostId ${rec.hostId} does not match its key`);
        return;
      }
      const prev = this.hosts.get(rec.hostId);
      this.ledger.add(rec, !isUpdate);
      // A value replayed at watch start may be a dead host's last word (the key lives until max-age):
      // it counts as already stale until a live heartbeat arrives.
      const receivedAt = isUpdate ? this.now() : this.now() - this.o.staleAfterMs;
      this.hosts.set(rec.hostId, { rec, receivedAt, status: prev?.status ?? 'down' });
    } else {
      // A host that stopped cleanly deleted its key; one whose key expired is simply gone.
      const prev = this.hosts.get(key);
      if (prev) prev.receivedAt = Math.min(prev.receivedAt, this.now() - this.o.downAfterMs);
    }
    this.evaluate();
  }

  private evaluate(): void {
    const now = this.now();
    for (const h of this.hosts.values()) {
      const age = now - h.receivedAt;
      const status: HostState = age >= this.o.downAfterMs ? 'down' : age >= this.o.staleAfterMs ? 'stale' : h.rec.state;
      if (status !== h.status) {
        const from = h.status;
        h.status = status;
        this.emit('host', { hostId: h.rec.hostId, from, to: status, heartbeatAgeMs: age });
      }
    }
  }

  private async checkAckPending(): Promise<void> {
    try {
      const n = names(this.o.pool);
      const info = await this.jsm!.consumers.info(n.stream, n.consumer);
      const v: AckPendingView = {
        ackPending: info.num_ack_pending,
        maxAckPending: info.config.max_ack_pending ?? 1000,
        pending: info.num_pending,
        redelivered: info.num_redelivered,
      };
      this.lastAck = v;
      const near = v.ackPending >= v.maxAckPending * this.o.ackPendingAlertRatio;
      if (near && !this.alerting)
        this.emit('alert', {
          type: 'cluster.ack_pending',
          level: 'warn',
          message: `ack pending ${v.ackPending} of max_ack_pending ${v.maxAckPending}: delivery stalls at the limit`,
          data: v,
        });
      this.alerting = near;
    } catch {
      // Consumer not created yet (no host joined) or server away: nothing to judge.
    }
  }
}
