// A host's announcement: its record in the hosts bucket (short max-age, so a
// dead host's entry expires on its own) and the same record on its metrics
// subject, every heartbeatMs — and soon after answers are stored (at most every
// EARLY_MS), so a host killed with -9 takes fewer uncounted answers with it. A
// clean stop puts a final record before leaving. A failed put during a server
// restart is skipped, not queued: the next beat carries fresher numbers.
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { HostAgent } from './host-agent';
import type { ClusterOptions } from './options';
import { type Junk, readHostRecord } from './records';
import { names } from './topology';
import { encode, type HostRecord } from './wire';

const EARLY_MS = 250;
const FINAL_TRIES = 8; // the final record's put, about 2 s of tries before the host leaves anyway

export class HostHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private early: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();
  private state: HostRecord['state'] = 'up';
  private lastProcessed = 0;
  private lastAt = Date.now();
  private throughput = 0;
  private beatAt = 0;

  constructor(
    private readonly host: HostAgent,
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly o: ClusterOptions,
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.o.heartbeatMs);
  }

  markDraining(): void {
    this.state = 'draining';
    void this.beat();
  }

  /** Answers were stored: beat within EARLY_MS rather than wait out the period (counts lost to a kill -9 shrink). */
  soon(): void {
    if (this.early || !this.timer) return;
    const wait = Math.max(0, this.beatAt + Math.min(EARLY_MS, this.o.heartbeatMs) - Date.now());
    this.early = setTimeout(() => {
      this.early = null;
      void this.beat();
    }, wait);
  }

  /** The final counts, then leaves the bucket at once so the control center shows the host gone, not merely stale. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.early) clearTimeout(this.early);
    this.timer = this.early = null;
    // Answers stored while draining are in no record yet, and this is the last chance to tell: a put
    // lost to a busy server is tried again (a periodic beat would simply be superseded by the next).
    for (let attempt = 0; attempt < FINAL_TRIES && !(await this.beat()); attempt++) await new Promise((r) => setTimeout(r, 250));
    await this.kv.delete(this.host.hostId).catch(() => undefined);
  }

  record(): HostRecord {
    const now = Date.now();
    const c = this.host.counters;
    // Throughput over whole heartbeat periods: the early beats in between repeat the last figure.
    if (now - this.lastAt >= this.o.heartbeatMs * 0.9) {
      this.throughput = ((c.processed - this.lastProcessed) * 1000) / Math.max(1, now - this.lastAt);
      this.lastProcessed = c.processed;
      this.lastAt = now;
    }
    const throughput = this.throughput;
    const s = this.host.pool.getDetailedStats();
    return {
      hostId: this.host.hostId,
      pid: process.pid,
      state: this.state,
      startedAt: this.startedAt,
      time: now,
      capacity: this.host.capacity,
      inFlight: this.host.inFlight,
      ...c,
      throughput: Math.round(throughput * 10) / 10,
      outcomes: { ...this.host.outcomes },
      latency: { ...this.host.latency, counts: [...this.host.latency.counts] },
      envelopes: { ...this.host.envelopeStats },
      pool: {
        total: s.total,
        healthy: s.healthy,
        available: s.available,
        busy: s.busy,
        p50ResponseTime: s.p50ResponseTime,
        p99ResponseTime: s.p99ResponseTime,
        totalErrors: s.totalErrors,
      },
      workers: s.workers.map((w) => ({
        id: w.id,
        pid: w.pid,
        state: w.state,
        healthy: w.healthy,
        messagesProcessed: w.messagesProcessed,
        inFlight: w.inFlight,
        rssBytes: w.rssBytes,
        restarts: w.restarts,
        averageResponseTime: w.averageResponseTime,
      })),
    };
  }

  /** Puts this host's record; false when the put did not land. */
  private async beat(): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    this.beatAt = Date.now();
    const data = encode(this.record());
    try {
      this.nc.publish(names(this.o.pool).metricsSubject(this.host.hostId), data);
      await this.kv.put(this.host.hostId, data);
      return true;
    } catch {
      return false; // server away: the registry will see this host stale, which is the truth
    }
  }
}

/** max_ack_pending for the shared consumer: every host's slots as the hosts bucket shows them, twice. */
export async function clusterCapacity(hosts: KV, selfId: string, selfCapacity: number, junk: Junk): Promise<number> {
  let total = selfCapacity;
  for await (const key of await hosts.keys()) {
    if (key === selfId) continue;
    const e = await hosts.get(key);
    if (e?.operation === 'PUT') total += readHostRecord(e.value, junk, `hosts key ${key}`)?.capacity ?? 0;
  }
  // Room for a stalled host's messages until their ack_wait expires, on top of everyone's slots.
  return Math.max(64, total * 2);
}
