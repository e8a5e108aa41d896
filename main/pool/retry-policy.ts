// The engine's one retry policy: which failures are retried automatically and how long to
// wait before each retry. The adapter (sendMessageWithResponse, processQueue) and the pool
// (Dispatcher) both ask here. The backoff window's formula is the option table's
// backoffWindow(), which the config schema's retryDelay rule bounds, so it lives in one place.
import type { PoolError } from './errors';
import { MAX_TIMER_MS } from './options';
import { backoffWindow } from '../../common/pool-options-table';

/**
 * Is this failure retried automatically (within maxRetries)? Only when the error is
 * transient (`retryable`: the worker crashed or was not connected, or its own queue was
 * full — nothing about the message itself) and it is not a run deadline.
 *
 * A timeout (ERR_TIMEOUT) is NOT retried, although the error says `retryable: true`.
 * `retryable` tells a caller the failure was not the agent's own verdict, so the caller may
 * choose to send the message again; the engine does not do it for them, because
 *  - the work ran, possibly halfway: its side effects (a write, an API call) may already have
 *    happened, and running it again repeats them;
 *  - the same work under the same deadline will most likely time out again, holding a
 *    concurrency slot for a whole deadline each time.
 * A crash is different: the pool's poison/isolation logic bounds its repeats, and most crash
 * victims were bystanders of another message.
 */
export function isRetryable(error: PoolError): boolean {
  return error.retryable && error.code !== 'ERR_TIMEOUT';
}

/**
 * The wait before a retry, in ms. `attempt` is the number of attempts already made (1 before
 * the first retry). The window doubles per attempt, d = base × 2^attempt, and the wait is
 * uniform in its upper half [d/2, d) ("equal jitter"): the first retry waits at least `base`,
 * waits never shrink from one retry to the next, and the victims of one crash do not come
 * back in lockstep. Capped at 2^31-1 ms: Node fires a longer timer at once.
 */
export function delay(attempt: number, base: number, random: () => number = Math.random): number {
  const d = Math.min(backoffWindow(attempt, base), MAX_TIMER_MS);
  return Math.floor(d / 2 + random() * (d / 2));
}

/** The longest wait `maxRetries` retries can reach (the last retry's window), uncapped. */
export function maxDelay(maxRetries: number, base: number): number {
  return backoffWindow(maxRetries, base);
}
