// The bytes a worker may have waiting on its input pipe are bounded: a worker
// whose hub is busy stops reading, and the pool holds further messages in its
// own (count-bounded) queue instead of serializing them all into this process.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg } from '../test-support/pool-test-helpers';
import { MAX_QUEUED_INPUT_BYTES } from '../worker/worker-slot';
import { setTimeout as sleep } from 'node:timers/promises';

installCleanup();

describe('input bound per worker', () => {
  it('routes no more to a worker whose unread input passes the bound; the rest waits in the pool queue and is answered', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1, concurrencyPerWorker: 1_000, messageQueueSize: 1_000 });
    await pool.start();
    const blocker = pool.execute(msg({ cpu_ms: 1_500 })); // holds the hub: the worker reads nothing meanwhile
    await sleep(200);
    const payload = 'x'.repeat(1024 * 1024);
    const n = 40; // 40 MiB of frames, the bound is 16 MiB
    const all = Array.from({ length: n }, (_, i) => pool.execute(msg({ i, payload })));
    const stats = pool.getStats();
    const sent = Math.ceil(MAX_QUEUED_INPUT_BYTES / payload.length) + 1;
    expect(stats.inFlight).toBeLessThanOrEqual(sent + 1); // + the blocker
    expect(stats.queueDepth).toBeGreaterThanOrEqual(n - sent);
    await blocker;
    const results = (await Promise.all(all)) as { i: number }[];
    expect(results.map((r) => r.i)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(pool.getStats().queueDepth).toBe(0);
  }, 60_000);
});
