// Public shapes of the scale-out layer that the control plane, the transports
// and the UI share. Types only (common/contract.ts and the renderer import
// this file): no runtime imports here.

export type HostState = 'up' | 'draining' | 'stale' | 'down';

export interface HostRecord {
  hostId: string;
  pid: number;
  state: 'up' | 'draining';
  startedAt: number;
  time: number; // host clock at publish; the registry ages records by its own receipt time (clock skew)
  capacity: number; // messages this host takes at once
  inFlight: number;
  processed: number; // results written by this host
  duplicates: number; // results another host had already written (a redelivery raced us)
  naks: number;
  terms: number;
  throughput: number; // results/s over the last heartbeat period
  // The host pool's PoolStats / WorkerStats fields the Hosts view shows (restated, so this file imports nothing).
  pool: { total: number; healthy: number; p50ResponseTime: number; p99ResponseTime: number; totalErrors: number };
  workers: { id: string; pid: number | null; state: string; healthy: boolean; messagesProcessed: number; inFlight: number; rssBytes: number; restarts: number }[];
}

export interface HostView extends HostRecord {
  status: HostState;
  heartbeatAgeMs: number;
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
}

export type { HostControlRequest } from './host-control';

export interface HostControlReply {
  hostId: string;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}
