// The one retry policy shared by the adapter and the pool: pure, no workers.
import { describe, expect, it } from 'vitest';
import { errors } from './errors';
import { MAX_TIMER_MS } from './options';
import { delay, isRetryable, maxDelay } from './retry-policy';

describe('retry policy: isRetryable', () => {
  it('retries the transient failures that say nothing about the message', () => {
    expect(isRetryable(errors.workerCrashed({ pid: 1, code: null, signal: 'SIGKILL' }))).toBe(true);
    expect(isRetryable(errors.notConnected('Worker is stopping; message refused'))).toBe(true);
    expect(isRetryable(errors.workerQueueFull(8, 'worker'))).toBe(true);
  });

  it('never retries a run deadline, although the error itself is flagged retryable for callers', () => {
    const t = errors.timeout(200, 'the worker killed the greenlet');
    expect(t.retryable).toBe(true);
    expect(isRetryable(t)).toBe(false);
    expect(isRetryable(errors.timeout(200, "agent.process not answered; the worker's hub may be blocked"))).toBe(false);
  });

  it("never retries the agent's own failure, a refusal or a cancel", () => {
    for (const e of [
      errors.agent('boom'),
      errors.poison(2),
      errors.cancelled(),
      errors.queueFull(10),
      errors.queueTimeout(50, 40),
      errors.workerQueueFull(8, 'adapter'),
      errors.notConnected('Pool is not started; call start() first', false),
      errors.poolClosed(),
      errors.protocol('bad frame'),
      errors.startFailed('no python'),
    ]) {
      expect(isRetryable(e), e.code).toBe(false);
    }
  });
});

describe('retry policy: delay', () => {
  it('backoff doubles per attempt, jittered within [d/2, d], never shrinking', () => {
    expect(delay(0, 100, () => 0)).toBe(50);
    expect(delay(0, 100, () => 1)).toBe(100);
    expect(delay(3, 100, () => 0.5)).toBe(600);
    for (let n = 0; n < 5; n++) expect(delay(n + 1, 100, () => 0)).toBeGreaterThanOrEqual(delay(n, 100, () => 1));
  });

  it('the first retry (one attempt made) waits at least retryDelay and less than twice it', () => {
    expect(delay(1, 20, () => 0)).toBe(20);
    expect(delay(1, 20, () => 0.999_999)).toBe(39);
    expect(delay(2, 20, () => 0)).toBe(40); // so the second retry always waits longer than the first
  });

  it('is capped at the longest timer Node keeps, and 0 stays 0', () => {
    expect(delay(40, 1000, () => 0.999_999)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(delay(40, 1000, () => 0)).toBe(Math.floor(MAX_TIMER_MS / 2));
    expect(delay(3, 0)).toBe(0);
  });

  it("maxDelay is the upper edge of the last retry's window", () => {
    for (const [n, base] of [
      [1, 20],
      [3, 1000],
      [20, 1000],
    ] as const) {
      expect(delay(n, base, () => 0.999_999_999)).toBeLessThanOrEqual(maxDelay(n, base));
      expect(delay(n, base, () => 0.999_999_999)).toBeGreaterThan(maxDelay(n, base) - 2);
    }
  });
});
