// A busy worker is not a blocked one: under heavy write backpressure a ping can wait behind
// megabytes of frames in the pipes for longer than healthCheckTimeout while the worker keeps
// answering. Killing it then would fail (and retry) every message it held.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';

installCleanup();

describe('health under backpressure', () => {
  it('a worker whose replies keep arriving is not killed as hub-blocked when its ping is slow', async () => {
    // A ping sent behind 120 MB of input waits a second or more; 250 ms is far below that, yet
    // long enough that a worker merely descheduled on a loaded 2-core machine shows progress.
    const { pool, events } = makePool({ minWorkers: 1, maxWorkers: 1, healthCheckInterval: 100, healthCheckTimeout: 250, concurrencyPerWorker: 100 });
    await pool.start();
    const big = 'x'.repeat(2 * 1024 * 1024);
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => pool.execute(msg({ i, big }))));
    // pings sent early really waited past healthCheckTimeout: the batch took longer than two of them
    expect(performance.now() - t0).toBeGreaterThan(2 * 250);
    expect(results.map((r) => (r as { i: number }).i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(ofType(events, 'worker.unhealthy').filter((e) => e.data?.reason === 'hub-blocked')).toEqual([]);
    expect(ofType(events, 'task.retry')).toEqual([]);
    expect(pool.getDetailedStats().workers[0]!.restarts).toBe(0);
  }, 60_000);
});
