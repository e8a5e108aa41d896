// Public shapes of the scale-out layer that the control plane, the transports
// and the UI share. Types only (common/contract.ts and the renderer import
// this file): no runtime imports here.
import type { ErrorCode } from './error-table';

export type HostState = 'up' | 'draining' | 'stale' | 'down';

// How each message a host answered ended, counted when its result was stored (first writer
// wins, so a redelivery that lost the race is a duplicate, not a second outcome). Same shape as
// the engine's OutcomeCounts, restated so this file imports nothing. `rejected` and `cancelled`
// stay 0 on a host: a full local queue naks the message back to JetStream for another try.
export interface HostOutcomes {
  answered: number;
  agentError: number;
  timedOut: number;
  rejected: number;
  cancelled: number;
}

// Answer times on the host, cumulative since the process started: counts[i] = answers in
// (boundsMs[i-1], boundsMs[i]], the last count everything above. Same shape as the engine's LatencyBuckets.
export interface HostLatency {
  boundsMs: number[];
  counts: number[];
  sumMs: number;
  count: number;
}

export interface HostRecord {
  hostId: string;
  pid: number;
  state: 'up' | 'draining';
  startedAt: number;
  time: number; // host clock at publish; the registry ages records by its own receipt time (clock skew)
  capacity: number; // messages this host takes at once
  inFlight: number;
  processed: number; // results written by this host
  duplicates: number; // redelivered after they were answered: run again and refused by the store, or (envelope members) found answered and skipped
  naks: number;
  terms: number;
  throughput: number; // results/s over the last heartbeat period
  // Cumulative for this process (pid + startedAt); the control center adds up a host id's processes.
  // Optional: a host of an older version does not send them (its answers then count in `processed` only).
  outcomes?: HostOutcomes;
  latency?: HostLatency;
  // This process's envelopes (several messages in one broker message, docs/cluster.md): how many came,
  // and where their answers went — in group records (how many records, how many answers) or alone.
  // Optional: an older host sends none.
  envelopes?: { envelopes: number; groups: number; grouped: number; alone: number };
  // The host pool's PoolStats / WorkerStats fields the Hosts view shows (restated, so this file imports nothing).
  pool: { total: number; healthy: number; available?: number; busy?: number; p50ResponseTime: number; p99ResponseTime: number; totalErrors: number };
  workers: {
    id: string;
    pid: number | null;
    state: string;
    healthy: boolean;
    messagesProcessed: number;
    inFlight: number;
    rssBytes: number;
    restarts: number;
    averageResponseTime?: number;
  }[];
}

/** What a host id did over every process the control center saw under that id (a restart keeps the count). */
export interface HostTotals {
  processed: number; // results stored
  duplicates: number;
  outcomes: HostOutcomes;
  latency: HostLatency | null;
  processes: number; // processes counted under this host id
  // Processes that ended without a final record (killed: their last record said 'up', then a new
  // process spoke): answers they stored after their last beat (≤ 250 ms of traffic) are missing.
  // Non-zero makes the totals lower bounds, and the screens say so.
  uncleanEnds: number;
  // Part of the above already counted when this control center first heard of the host (a record
  // replayed at connect): in the totals, but no sample's traffic. Zeros for a host first heard live.
  before: { processed: number; outcomes: HostOutcomes };
}

export interface HostView extends HostRecord {
  status: HostState;
  heartbeatAgeMs: number;
  totals: HostTotals;
}

/** The whole cluster: counters summed over every host id (and its processes), gauges over the hosts not down. */
export interface ClusterTotals extends HostTotals {
  hosts: number;
  hostsUp: number;
  workers: number;
  healthy: number;
  busy: number;
  available: number;
  inFlight: number;
  capacity: number;
}

export interface AckPendingView {
  ackPending: number;
  maxAckPending: number;
  pending: number; // not yet delivered
  redelivered: number;
}

export interface DeadLetter {
  seq: number; // in the dead-letter stream
  messageId: string;
  caller: string;
  deliveries: number;
  time: number;
  data: string; // the payload as text, truncated for display
}

export interface HostsView {
  enabled: boolean; // false: single-machine mode, no cluster configured
  servers: string[];
  pool: string;
  connected: boolean;
  unauthenticatedBroker: boolean; // connected to a broker that asks no credentials: anyone reaching it can read work and forge answers
  hosts: HostView[];
  ackPending: AckPendingView | null;
  totals?: ClusterTotals; // present once connected
}

export type { HostControlRequest } from './host-control';

export interface HostControlReply {
  hostId: string;
  ok: boolean;
  result?: unknown;
  error?: { code: ErrorCode; message: string };
}
