// THE typed API between the renderer and its host (Electron IPC or HTTP).
// Main's handlers, the preload bridge, the HTTP transport and the renderer's
// client are all derived from this one table: adding a method is one entry
// here plus one handler in the control plane. Imports only zod and types.
import { z } from 'zod';
import { controlHostInputSchema } from './host-control';
import { LOAD_BOUNDS, type LoadField } from './load-shape';
import { configPatchSchema, poolOptionSchema } from './schemas';
import type { AlertThresholds, AppConfig } from './schemas';
import type { ErrorCode } from './error-table';
// The engine's public value types, re-exported so the renderer finds every shape here.
// They live in this layer (pool-types.ts, cluster-types.ts): the contract describes the
// engine without importing it.
import type { DetailedPoolStats, PoolStats, EventLevel, OutcomeCounts, PoolEventType, TaskProgress } from './pool-types';
export type { DetailedPoolStats, LatencyBuckets, OutcomeCounts, PoolStats, TaskProgress, WorkerStats, WorkerState } from './pool-types';
import type { DeadLetter, HostControlReply, HostsView, HostState } from './cluster-types';

export type { DeadLetter, HostControlReply, HostsView, HostState, HostView } from './cluster-types';
import { experimentSpecSchema, type Experiment } from './tuning';

export * from './tuning';

/** Phantom marker carrying an output/payload type; never called at run time for its value. */
const out = <T>() => undefined as unknown as T;
const none = z.strictObject({});

// ---- shared payload shapes ----

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

// ---- the table ----

/** A load field's schema, from the one table of its bounds (common/load-shape.ts). */
const loadNumber = (f: LoadField) => {
  const b = LOAD_BOUNDS[f];
  return (b.int ? z.number().int() : z.number()).min(b.min).max(b.max);
};

export const contract = {
  methods: {
    getAppInfo: { input: none, output: out<AppInfo>() },
    getConfig: { input: none, output: out<AppConfig>() },
    updateConfig: { input: z.strictObject({ patch: configPatchSchema }), output: out<ConfigUpdateResult>() },
    previewConfig: { input: z.strictObject({ patch: configPatchSchema }), output: out<ConfigPreview>() },
    getStats: { input: none, output: out<PoolStats>() },
    getDetailedStats: { input: none, output: out<DetailedPoolStats>() },
    getMetricsHistory: {
      input: z.strictObject({
        rangeMs: z
          .number()
          .int()
          .min(1_000)
          .max(7 * 24 * 3_600_000),
        maxPoints: z.number().int().min(10).max(100_000).optional(),
      }),
      output: out<MetricsHistory>(),
    },
    getAlerts: { input: none, output: out<AlertsView>() },
    getEvents: {
      input: z.strictObject({
        workerId: z.string().optional(),
        level: z.enum(['debug', 'info', 'warn', 'error']).optional(), // this level and above
        afterSeq: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5_000).optional(),
      }),
      output: out<LogEvent[]>(),
    },
    recycleWorker: { input: z.strictObject({ workerId: z.string().min(1) }), output: out<{ recycled: string }>() },
    recycleAll: { input: none, output: out<{ recycled: number }>() },
    restartPool: { input: none, output: out<{ ok: true }>() },
    scale: {
      input: z.strictObject({ minWorkers: poolOptionSchema('minWorkers'), maxWorkers: poolOptionSchema('maxWorkers') }),
      output: out<ConfigUpdateResult>(),
    },
    submitTask: {
      input: z.strictObject({
        data: z.unknown(),
        timeoutMs: z.number().int().min(1).optional(),
        trackId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/)
          .optional(), // getTaskProgress reads it while it runs
      }),
      output: out<TaskResult>(),
    },
    // What a task sent with trackId is waiting on; null once it settled (or unknown). Cluster mode:
    // state 'queued' with `cluster` (published or not, since when it waits for a host).
    getTaskProgress: { input: z.strictObject({ trackId: z.string().min(1).max(64) }), output: out<TaskProgress | null>() },
    startLoad: {
      input: z.strictObject({
        rate: loadNumber('rate'),
        count: loadNumber('count'), // 0 = until stopped
        sleepMs: loadNumber('sleepMs').default(0),
        failureRate: loadNumber('failureRate').default(0),
        payloadBytes: loadNumber('payloadBytes').default(0),
      }),
      output: out<LoadStatus>(),
    },
    stopLoad: { input: none, output: out<LoadStatus>() },
    getLoadStatus: { input: none, output: out<LoadStatus>() },
    exportSnapshot: {
      input: z.strictObject({
        format: z.enum(['json', 'csv']),
        rangeMs: z
          .number()
          .int()
          .min(1_000)
          .max(7 * 24 * 3_600_000)
          .optional(),
      }),
      output: out<SnapshotFile>(),
    },
    checkPythonEnv: {
      input: z.strictObject({ pythonPath: z.string().min(1).optional() }),
      output: out<PythonEnvReport>(),
    },
    setupPythonEnv: { input: none, output: out<PythonEnvReport>() },
    validateAgent: {
      input: z.strictObject({ agent: z.string().min(1), pythonPaths: z.array(z.string()).default([]) }),
      output: out<AgentValidation>(),
    },
    // Scale-out (docs/cluster.md). getHosts answers { enabled: false } in single-machine mode.
    getHosts: { input: none, output: out<HostsView>() },
    // Operational commands only (common/host-control.ts): agent, interpreter, paths and env are refused, naming the field.
    controlHost: { input: controlHostInputSchema, output: out<HostControlReply[]>() },
    getDeadLetters: { input: none, output: out<DeadLetter[]>() },
    requeueDeadLetter: { input: z.strictObject({ seq: z.number().int().min(1) }), output: out<{ messageId: string }>() },
    // tuning assistant: experiments on throw-away pools beside the live one
    startExperiment: { input: z.strictObject({ spec: experimentSpecSchema }), output: out<Experiment>() },
    cancelExperiment: { input: z.strictObject({ id: z.string().min(1) }), output: out<Experiment>() },
    listExperiments: { input: none, output: out<Experiment[]>() },
    exportExperiment: {
      input: z.strictObject({ id: z.string().min(1), format: z.enum(['json', 'csv', 'html']) }),
      output: out<SnapshotFile>(),
    },
  },
  events: {
    'metrics.sample': out<MetricsSample>(),
    stats: out<DetailedPoolStats>(),
    'alert.raised': out<Alert>(),
    'alert.cleared': out<Alert>(),
    log: out<LogEvent>(),
    'config.changed': out<AppConfig>(),
    'load.status': out<LoadStatus>(),
    'python.setup': out<PythonSetupProgress>(),
    hosts: out<HostsView>(),
    'tuning.progress': out<Experiment>(),
  },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract['methods'];
export type EventName = keyof Contract['events'];
export type MethodInput<M extends MethodName> = z.input<Contract['methods'][M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract['methods'][M]['input']>;
export type MethodOutput<M extends MethodName> = Contract['methods'][M]['output'];
export type EventPayload<E extends EventName> = Contract['events'][E];

/** What the host implements: one async handler per method. */
export type ApiHandlers = { [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> };

/** What the renderer calls: the same methods, plus event subscription. */
export type ControlCenterApi = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export const methodNames = Object.keys(contract.methods) as MethodName[];
export const eventNames = Object.keys(contract.events) as EventName[];

/** Electron IPC channel names, derived so main and preload never disagree. */
export const ipcChannel = (method: MethodName) => `gcc:call:${method}`;
export const IPC_EVENT_CHANNEL = 'gcc:event';
