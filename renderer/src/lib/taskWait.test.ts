import { describe, expect, it } from 'vitest';
import { taskWaitText } from './taskWait';

describe('taskWaitText', () => {
  it('names the worker that has not answered pings, for how long, and the attempt', () => {
    expect(
      taskWaitText({
        state: 'running',
        attempt: 1,
        maxAttempts: 4,
        elapsedMs: 13_000,
        workerId: 'w-2',
        runningMs: 12_500,
        workerHealthy: true,
        workerSuspectForMs: 12_000,
      }),
    ).toBe(
      'Running on worker w-2 for 12s (attempt 1 of 4): worker w-2 has not answered pings for 12s — its gevent hub is suspected blocked (CPU-bound or blocking code)',
    );
  });

  it('gives the queue position and the retry count with its reason', () => {
    expect(taskWaitText({ state: 'queued', attempt: 0, maxAttempts: 4, elapsedMs: 10, queuePosition: 3, queueLength: 12 })).toBe(
      'In the pool queue, position 3 of 12: no worker has spare capacity',
    );
    expect(taskWaitText({ state: 'retry-wait', attempt: 2, maxAttempts: 4, elapsedMs: 10, lastError: 'ERR_WORKER_CRASHED' })).toBe(
      'Waiting to retry (next: attempt 3 of 4) after its worker died (crash, or killed for a blocked hub)',
    );
  });

  it('says what a cluster task waits on: publishing, then a host, for how long', () => {
    expect(taskWaitText({ state: 'queued', attempt: 0, maxAttempts: 3, elapsedMs: 2_400, cluster: { publishTries: 2 } })).toBe(
      'Publishing to the cluster’s work stream (try 2, 2s so far): the server has not confirmed it yet',
    );
    expect(
      taskWaitText({ state: 'queued', attempt: 0, maxAttempts: 3, elapsedMs: 9_000, cluster: { publishTries: 1, sincePublishedMs: 8_900 } }),
    ).toBe('Waiting for a host (8s): in the cluster’s work stream; which host takes it and any redelivery (up to 3) show when it answers');
  });
});
