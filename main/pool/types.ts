// Public types of the engine. The control plane, the transports and the UI
// depend on these shapes; change them only together with their users.
// The value types (stats, outcomes, events) live in common/pool-types.ts, so the contract
// describes the engine without importing it; the options and strategies come from the one
// option table, shared with the config schema and the form.
export { STRATEGIES, type PoolOptions, type StrategyName } from '../../common/pool-options-table';
export type * from '../../common/pool-types';
import type { PoolOptions } from '../../common/pool-options-table';
import type { PoolError } from './errors';

export interface ProcessMessage {
  type: 'agent.process';
  data: unknown;
}

export interface ExecuteOptions {
  timeout?: number; // run deadline override, ms
  queueTimeout?: number; // queue wait deadline override, ms
  signal?: AbortSignal; // abort cancels: dequeued, or agent.cancel reaches the greenlet
}

export interface TaskOutcome {
  result: unknown;
  workerId: string;
  latencyMs: number; // total, from execute() to result
  queueWaitMs: number;
  attempts: number;
}

// Error codes raised by the engine (main/pool/errors.ts creates them).
/** A subset of common/error-table.ts's ErrorCode: errors.ts reads ERROR_TABLE[code], which fails to compile otherwise. */
export type PoolErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_QUEUE_FULL' // pool queue full: execute rejects at once
  | 'ERR_WORKER_QUEUE_FULL' // adapter's bounded send queue full
  | 'ERR_QUEUE_TIMEOUT' // waited in the pool queue past queueTimeout
  | 'ERR_TIMEOUT' // run deadline passed
  | 'ERR_AGENT' // agent code raised; .details has the Python traceback
  | 'ERR_CANCELLED'
  | 'ERR_WORKER_CRASHED'
  | 'ERR_POISON_MESSAGE' // the message killed maxRetries workers
  | 'ERR_START_FAILED' // worker could not start; message has the real Python error
  | 'ERR_NOT_CONNECTED'
  | 'ERR_POOL_CLOSED'
  | 'ERR_PROTOCOL';

// What GreenletProcessPool.updateConfig/scale and shutdown take and return.
export interface ConfigChange {
  applied: (keyof PoolOptions)[]; // took effect live
  restartRequired: (keyof PoolOptions)[]; // need new worker processes: a rolling recycle was started
  /**
   * Settles when that rolling recycle has finished (at once when none was needed). Never rejects,
   * so a caller that ignores it cannot cause an unhandled rejection: a replacement that failed to
   * start stops the rollout, leaves the old workers serving, and is reported in `error`.
   */
  done: Promise<{ recycled: number; error?: PoolError }>;
}

export interface ShutdownOptions {
  timeout?: number; // ms each worker may take to drain its in-flight messages; default drainTimeout
}
