// The engine's public value types: what its stats, outcomes and events look like. The
// control plane, the transports, the contract and the UI share these shapes; change them
// only together with their users. Pure declarations (the contract and the renderer import
// this file): they describe the engine without importing it.
import type { StrategyName } from './pool-options-table';

export type WorkerState = 'starting' | 'ready' | 'draining' | 'stopping' | 'exited' | 'failed';

export interface WorkerStats {
  id: string;
  pid: number | null;
  state: WorkerState;
  healthy: boolean;
  messagesProcessed: number; // agent.process replies (results + errors); control frames excluded
  errors: number;
  inFlight: number;
  age: number; // ms since the worker became ready
  rssBytes: number;
  loopLagMs: number;
  averageResponseTime: number; // ms, run time on this worker over the last 10–20 s (0: none in that window)
  p95ResponseTime: number; // ms
  restarts: number; // how many times this worker slot was restarted after failure
  outputLines: number; // stderr lines seen (agent prints, tracebacks)
  lastError?: string;
  /** Present while the hub is suspected blocked: ms since the ping it has not answered (no pipe moved meanwhile). */
  suspectForMs?: number;
}

// How every message that reached execute() ended: exactly one of these per message, counted
// where it happens in the engine (never estimated from samples). Cumulative since the pool
// was created. Which error code lands where: main/pool/metrics/outcomes.ts, docs/pool.md.
export interface OutcomeCounts {
  answered: number; // a result returned
  agentError: number; // agent raised, poison message, worker crashed with retries exhausted, any other failure after acceptance
  timedOut: number; // run deadline or queue-wait deadline passed
  rejected: number; // refused at the door: pool queue full, worker queue full, pool closed/not started
  cancelled: number; // the caller aborted
}

// Latency of answered messages (from execute() to result), observed by the engine.
// counts are non-cumulative; counts.length = boundsMs.length + 1 (last: above the last bound).
export interface LatencyBuckets {
  boundsMs: number[];
  counts: number[];
  sumMs: number;
  count: number;
}

export interface PoolStats {
  total: number;
  available: number; // ready workers with spare in-flight capacity
  busy: number; // ready workers with at least one message in flight
  healthy: number;
  starting: number;
  totalMessagesProcessed: number;
  totalErrors: number;
  inFlight: number;
  inFlightCapacity: number; // ready workers × concurrencyPerWorker
  queueDepth: number;
  queueCapacity: number; // messageQueueSize
  averageWorkerAge: number; // ms
  oldestWorker: number; // ms, age of the oldest worker
  // Latency of answered messages (execute() to result) over the last 10–20 s; all 0 when
  // recentAnswered is 0: no traffic in that window, not a measured 0 ms.
  averageResponseTime: number; // ms, pool-wide
  recentAnswered: number; // answered messages the latency figures above describe
  p50ResponseTime: number;
  p95ResponseTime: number;
  p99ResponseTime: number;
  strategy: StrategyName;
  outcomes: OutcomeCounts;
  rejectedByQueue: { pool: number; worker: number }; // the part of outcomes.rejected refused by a full queue, by queue
  latencyHistogram: LatencyBuckets; // cumulative, answered messages only
  startError?: string; // real Python error text when workers cannot start
}

export interface DetailedPoolStats extends PoolStats {
  workers: WorkerStats[];
}

export type PoolEventType =
  | 'worker.started'
  | 'worker.exited'
  | 'worker.restarted'
  | 'worker.recycled'
  | 'worker.unhealthy'
  | 'worker.start_failed'
  | 'worker.output'
  | 'task.retry'
  | 'task.timeout'
  | 'task.poison'
  | 'queue.overflow'
  | 'pool.scaled'
  | 'pool.config';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PoolEvent {
  time: number; // epoch ms
  type: PoolEventType;
  level: EventLevel;
  workerId?: string;
  message: string;
  data?: Record<string, unknown>;
}

/** Where one message is, while the caller waits (pool.executeTracked). */
export interface TaskProgress {
  state: 'queued' | 'running' | 'retry-wait' | 'done';
  attempt: number; // attempts sent to a worker so far
  maxAttempts: number; // 1 + maxRetries
  elapsedMs: number; // since it was submitted
  lastError?: string; // code of the last failed attempt (ERR_WORKER_CRASHED, ...)
  queuePosition?: number; // queued: 1 = next out
  queueLength?: number;
  workerId?: string; // running: on this worker
  runningMs?: number; // running: since it was sent to the worker
  workerHealthy?: boolean;
  workerSuspectForMs?: number; // running on a worker that has not answered a ping for this long
  // Cluster mode: what the control center knows of a message sent through the cluster (state
  // 'queued' until the answer): its publishes, and since when the server holds it for a host.
  cluster?: { publishTries: number; sincePublishedMs?: number };
}
