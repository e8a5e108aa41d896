// THE typed API between the renderer and its host (Electron IPC or HTTP).
// Main's handlers, the preload bridge, the HTTP transport and the renderer's
// client are all derived from this one table: adding a method is one entry
// here plus one handler in the control plane. Imports only zod and types.
import { z } from 'zod';
import { controlHostInputSchema } from './host-control';
import { LOAD_BOUNDS, type LoadField } from './load-shape';
import { configPatchSchema, poolOptionSchema } from './schemas';
import type { AppConfig } from './schemas';
import type {
  AgentValidation,
  Alert,
  AlertsView,
  AppInfo,
  ConfigPreview,
  ConfigUpdateResult,
  LoadStatus,
  LogEvent,
  MetricsHistory,
  MetricsSample,
  PythonEnvReport,
  PythonSetupProgress,
  SnapshotFile,
  TaskResult,
} from './api-types';
// The engine's public value types, re-exported so the renderer finds every shape here.
// They live in this layer (pool-types.ts, cluster-types.ts): the contract describes the
// engine without importing it.
import type { DetailedPoolStats, PoolStats, TaskProgress } from './pool-types';
export type { DetailedPoolStats, LatencyBuckets, OutcomeCounts, PoolStats, TaskProgress, WorkerStats, WorkerState } from './pool-types';
import type { DeadLetter, HostControlReply, HostsView } from './cluster-types';

export type { DeadLetter, HostControlReply, HostsView, HostState, HostView } from './cluster-types';
import { experimentSpecSchema, type Experiment } from './tuning';

export type * from './api-types';
export * from './tuning';

/** Phantom marker carrying an output/payload type; never called at run time for its value. */
const out = <T>() => undefined as unknown as T;
const none = z.strictObject({});

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
