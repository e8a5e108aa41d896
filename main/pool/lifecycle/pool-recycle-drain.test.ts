// A recycle must not fail a message because it runs longer than the old worker's drain limit:
// the caller did not cancel it, so it is handed to the replacement like a crash victim.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';

installCleanup();

describe('recycle drain limit', () => {
  it('a message still running when the drain limit expires is retried on the replacement, not cancelled', async () => {
    const { pool, events } = makePool({ minWorkers: 1, maxWorkers: 1, drainTimeout: 200, timeout: 20_000 });
    await pool.start();
    // 4 s: the drain limit starts only once the replacement is ready, and on a loaded 2-core box a
    // spawn can take over a second, so a 1 s message could finish on w-1 before the limit expired.
    const long = pool.executeWithInfo(msg({ sleep_ms: 4_000, n: 1 }));
    expect(await pool.recycleWorker('w-1')).toBe(true);
    const out = await long;
    expect(out.result).toEqual({ sleep_ms: 4_000, n: 1 });
    expect(out.workerId).not.toBe('w-1');
    expect(out.attempts).toBe(2);
    expect(ofType(events, 'task.retry')).toHaveLength(1);
  }, 30_000);

  it('shutdown past its drain limit fails the message ERR_POOL_CLOSED, not as cancelled by the caller', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1, timeout: 20_000 });
    await pool.start();
    const long = pool.execute(msg({ sleep_ms: 5_000 })).catch((e: unknown) => e);
    await pool.shutdown({ timeout: 100 });
    expect(await long).toMatchObject({ code: 'ERR_POOL_CLOSED' });
  }, 30_000);
});
