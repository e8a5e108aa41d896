// The payloads of the API: what the contract's methods return and its events carry
// (common/contract.ts names them in its table and re-exports them all). Types only,
// in the shared layer, so the renderer, the preload bridge and main agree on them.
import type { ErrorCode } from './error-table';
import type { HostState } from './cluster-types';
import type { EventLevel, OutcomeCounts, PoolEventType } from './pool-types';
import type { AlertThresholds, AppConfig } from './schemas';

export interface WorkerSample {
  id: string;
  messages: number; // processed since the previous sample
  inFlight: number;
  rssBytes: number;
  avgLatencyMs: number;
}

export interface MetricsSample {
  t: number; // epoch ms
  throughput: number; // msg/s over the sampling interval
  // Settled in the interval, by outcome: deltas of the engine's counters (PoolStats.outcomes).
  // Absent in samples recorded before outcomes were counted.
  outcomes?: OutcomeCounts;
  messages?: number; // every message settled in the interval (the sum of outcomes)
  // Rates of the interval's settled messages; null: no message to judge (an idle interval's rate is
  // unknown, not 0 %: shown as '—', drawn as a gap, exported empty). Absent: samples from before the field.
  errorRate: number | null; // 0..1: (agentError + timedOut) / messages the pool accepted (messages − rejected)
  rejectionRate?: number | null; // 0..1: rejected / messages (refused at the door, a figure of its own)
  // Latency of answered messages over the engine's recent window (the last 10–20 s);
  // null: no answered message in that window ("no traffic"), never a held old figure.
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  queueDepth: number;
  queueCapacity: number;
  inFlight: number;
  total: number;
  busy: number;
  available: number;
  healthy: number;
  workers: WorkerSample[];
  hosts?: HostSample[]; // cluster mode only
}

export interface HostSample {
  id: string;
  status: HostState;
  throughput: number;
  inFlight: number;
  capacity: number;
}

export interface MetricsHistory {
  resolutionMs: number;
  samples: MetricsSample[];
}

export type AlertSeverity = 'critical' | 'warning';
export type AlertKind =
  | 'noHealthyWorkers'
  | 'errorRate'
  | 'rejectionRate' // share of messages refused at the door (full queue), apart from errors
  | 'avgResponseTime'
  | 'availableWorkers'
  | 'workerAge'
  | 'queueFill'
  | 'workerRestarts' // restarts after failures in the last minute
  | 'crashLoop' // a worker failing within a second of each start
  | 'poisonMessage' // messages failed as poison in the last 10 minutes
  | 'hostDown' // cluster: a host's heartbeat is older than downAfterMs
  | 'clusterAckPending'; // cluster: ack-pending near max_ack_pending

export interface Alert {
  id: string; // kind, plus ':' + workerId for per-worker alerts
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  value: number;
  threshold: number;
  raisedAt: number;
  clearedAt?: number;
  workerId?: string;
  hostId?: string;
}

export interface AlertsView {
  active: Alert[];
  history: Alert[]; // newest first, bounded
  thresholds: AlertThresholds;
}

export type LogLevel = EventLevel;
export interface LogEvent {
  seq: number; // monotonically increasing, for tailing
  time: number;
  type:
    | PoolEventType
    | 'alert.raised'
    | 'alert.cleared'
    | 'config.changed'
    | 'config.warning'
    | 'load.status'
    | 'a2a.request'
    | 'host.state'
    | 'cluster.ack_pending'
    | 'cluster.dead_letter'
    | 'cluster.junk'
    // the operator's trail (main/control/observation/trail.ts): data.door says how the request came in
    | 'config.refused'
    | 'load.run'
    | 'experiment'
    | 'recycle.requested';
  level: LogLevel;
  workerId?: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface ConfigDiffEntry {
  path: string; // 'pool.maxWorkers'
  from: unknown;
  to: unknown;
  restartRequired: boolean; // applying it restarts workers
}

export interface ConfigIssue {
  path: string; // 'pool.minWorkers'
  message: string;
}

export interface ConfigPreview {
  valid: boolean;
  issues: ConfigIssue[];
  diff: ConfigDiffEntry[];
}

export interface ConfigUpdateResult {
  config: AppConfig;
  applied: string[]; // paths applied live
  restartRequired: string[]; // paths whose change restarted workers
}

export interface TaskResult {
  result: unknown;
  workerId: string;
  latencyMs: number;
  queueWaitMs: number;
  attempts: number;
}

export interface LoadStatus {
  running: boolean;
  sent: number;
  succeeded: number;
  failed: number;
  rejected: number; // refused by a full queue
  target: number; // requested count (0 = until stopped)
  rate: number; // msg/s requested
  startedAt?: number;
  stoppedAt?: number;
}

export interface SnapshotFile {
  filename: string; // greenlet-snapshot-2026-11-27T01-02-03Z.json
  mimeType: string;
  content: string;
  // Electron only: the shell shows the native save dialog and writes the file itself.
  // The path written, or null when the operator cancelled; absent over HTTP (the browser downloads).
  savedTo?: string | null;
}

export interface PythonEnvReport {
  ok: boolean;
  interpreter?: string; // resolved path
  source?: 'config' | 'env' | 'venv' | 'system';
  pythonVersion?: string;
  greenletVersion?: string;
  geventVersion?: string;
  problem?: string; // what is missing, in the operator's words
  fix?: string; // how to fix it
  errorText?: string; // the real error output
}

export interface PythonSetupProgress {
  step: 'find-python' | 'create-venv' | 'install' | 'verify' | 'done' | 'failed';
  message: string;
  percent: number;
}

export interface AgentValidation {
  ok: boolean;
  agentId?: string;
  capabilities?: string[];
  errorText?: string; // real Python error when the import fails
}

export interface AppInfo {
  version: string;
  mode: 'electron' | 'headless';
  dataDir: string;
  a2aUrl?: string; // base URL of the A2A gateway when enabled
  agentCardUrl?: string;
}

export interface ApiErrorShape {
  code: ErrorCode; // one of common/error-table.ts: 'ERR_VALIDATION', 'ERR_QUEUE_FULL', 'ERR_AGENT', ...
  message: string;
  issues?: ConfigIssue[];
  details?: unknown;
}
