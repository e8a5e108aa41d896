// The engine's one error factory (Piscina `src/errors.ts` style): every error
// the adapter and the pool raise is a PoolError with a stable `code` the
// control plane, the UI and tests match on, and a `retryable` flag: the failure
// was transient, not the agent's own verdict (an exception is deterministic;
// re-running it only multiplies side effects). What the engine retries by itself
// is decided in retry-policy.ts, which also leaves out timeouts. Each code's HTTP status, default
// `retryable` and whether it counts as rejected are its row in common/error-table.ts.
import { ERROR_TABLE } from '../../common/error-table';
import type { PoolErrorCode } from './types';

export class PoolError extends Error {
  readonly code: PoolErrorCode;
  readonly details?: unknown;
  readonly retryable: boolean;

  constructor(code: PoolErrorCode, message: string, opts: { details?: unknown; retryable?: boolean } = {}) {
    super(message);
    this.name = 'PoolError';
    this.code = code;
    this.retryable = opts.retryable ?? ERROR_TABLE[code].retryable;
    if (opts.details !== undefined) this.details = opts.details;
  }
}

export function isPoolError(err: unknown): err is PoolError {
  return err instanceof PoolError;
}

export interface AgentErrorDetails {
  traceback?: string;
  pythonCode?: string; // the worker's own error code (agent_exception, unserializable_result, ...)
}

export interface StartFailedDetails {
  python?: string;
  exitCode?: number | null;
  signal?: string | null;
  stderrTail?: string;
  traceback?: string;
}

export const errors = {
  queueFull(capacity: number): PoolError {
    return new PoolError('ERR_QUEUE_FULL', `Pool queue is full (${capacity} messages waiting); message refused`, {
      details: { capacity },
    });
  },
  workerQueueFull(capacity: number | null, where: 'adapter' | 'worker' = 'adapter'): PoolError {
    const msg =
      where === 'adapter'
        ? `Adapter message queue is full (${capacity} queued); message refused, nothing was dropped`
        : `Worker queue is full${capacity === null ? '' : ` (max_queue_size ${capacity})`}; the worker refused the message`;
    // The worker's own queue being full is transient; the adapter's send queue refusing is the caller's signal to slow down.
    return new PoolError('ERR_WORKER_QUEUE_FULL', msg, { details: { capacity, where }, retryable: where === 'worker' });
  },
  timeout(timeoutMs: number, detail = 'run deadline passed'): PoolError {
    // retryable for callers who know their work is safe to repeat; the engine itself never retries it (retry-policy.ts).
    return new PoolError('ERR_TIMEOUT', `Message timed out after ${timeoutMs} ms (${detail})`, { details: { timeoutMs } });
  },
  queueTimeout(waitedMs: number, limitMs: number): PoolError {
    return new PoolError('ERR_QUEUE_TIMEOUT', `Message waited ${waitedMs} ms in the pool queue (limit ${limitMs} ms)`, {
      details: { waitedMs, limitMs },
    });
  },
  agent(message: string, traceback?: string, pythonCode = 'agent_exception'): PoolError {
    const details: AgentErrorDetails = { pythonCode };
    if (traceback !== undefined) details.traceback = traceback;
    return new PoolError('ERR_AGENT', message, { details });
  },
  cancelled(reason = 'Message was cancelled'): PoolError {
    return new PoolError('ERR_CANCELLED', reason);
  },
  workerCrashed(detail: { pid?: number | null; code?: number | null; signal?: string | null; reason?: string } = {}): PoolError {
    const how = detail.reason ?? (detail.signal ? `killed by ${detail.signal}` : `exited with code ${detail.code ?? 'unknown'}`);
    return new PoolError('ERR_WORKER_CRASHED', `Worker process${detail.pid ? ` ${detail.pid}` : ''} died before answering (${how})`, {
      details: detail,
    });
  },
  poison(attempts: number, lastError?: string): PoolError {
    return new PoolError('ERR_POISON_MESSAGE', `Message killed ${attempts} worker(s) and was not retried again${lastError ? `: ${lastError}` : ''}`, {
      details: { attempts, lastError },
    });
  },
  startFailed(text: string, details?: StartFailedDetails): PoolError {
    return new PoolError('ERR_START_FAILED', text, { details });
  },
  notConnected(why = 'Worker is not connected', retryable = true): PoolError {
    // Retryable: another worker (or a reconnect) can take the message; nothing ran.
    return new PoolError('ERR_NOT_CONNECTED', why, { retryable });
  },
  poolClosed(): PoolError {
    return new PoolError('ERR_POOL_CLOSED', 'Pool is shut down; message refused');
  },
  invalidOption(name: string, why: string): PoolError {
    return new PoolError('ERR_INVALID_OPTION', `options.${name} ${why}`, { details: { option: name } });
  },
  protocol(reason: string, sample?: string): PoolError {
    return new PoolError('ERR_PROTOCOL', `Protocol error: ${reason}`, { details: sample === undefined ? undefined : { sample } });
  },
};
