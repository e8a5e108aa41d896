// The traffic recorder (tuning replay): shapes of settled messages, not
// contents, and callers get exactly what they got without it.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg } from './test-support/pool-test-helpers';
import type { TrafficRecord } from './traffic';

installCleanup();

describe('pool traffic recorder', () => {
  it('records time, size, run time and outcome of each message, and leaves results as they were', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1, messageQueueSize: 1, concurrencyPerWorker: 1, workerQueueSize: 0 });
    await pool.start();
    const records: TrafficRecord[] = [];
    pool.setTrafficRecorder((r) => records.push(r));
    expect(await pool.execute(msg({ sleep_ms: 20, secret: 'TOP-SECRET' }))).toEqual({ sleep_ms: 20, secret: 'TOP-SECRET' });
    const info = await pool.executeWithInfo(msg('plain'));
    expect(info).toMatchObject({ result: 'plain', workerId: expect.any(String), attempts: 1 });
    await expect(pool.execute(msg({ fail: true }))).rejects.toMatchObject({ code: 'ERR_AGENT' });
    // one running, one queued, the third refused
    const burst = await Promise.allSettled([1, 2, 3].map(() => pool.execute(msg({ sleep_ms: 50 }))));
    expect(burst.map((b) => b.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);

    expect(records.map((r) => r.outcome).sort()).toEqual(['error', 'ok', 'ok', 'ok', 'ok', 'rejected']);
    expect(records[0]).toMatchObject({ bytes: JSON.stringify({ sleep_ms: 20, secret: 'TOP-SECRET' }).length, outcome: 'ok' });
    expect(records[0]!.runMs).toBeGreaterThanOrEqual(20);
    expect(JSON.stringify(records)).not.toContain('TOP-SECRET');

    pool.setTrafficRecorder(undefined);
    await pool.execute(msg('after'));
    expect(records).toHaveLength(6);
  }, 30_000);
});
