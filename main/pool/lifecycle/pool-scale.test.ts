// Scaling with load, scale(), live config with restart-required fields, shutdown and destroy.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType, runLoad } from '../test-support/pool-test-helpers';
import { sleep, waitFor } from '../../../common/test-support/wait';

installCleanup();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scaling and lifecycle', () => {
  it('scales up under load (one start at a time, never above max) and shrinks when idle', async () => {
    const { pool, events } = makePool({ minWorkers: 1, maxWorkers: 3, concurrencyPerWorker: 2, messageQueueSize: 300, idleTimeout: 200 });
    await pool.start();
    let most = 0;
    let startingAtOnce = 0;
    const load = runLoad(pool, 240, 30, (i) => ({ i, sleep_ms: 15 }));
    while (!(await Promise.race([load.then(() => true), sleep(5).then(() => false)]))) {
      const s = pool.getStats();
      most = Math.max(most, s.total);
      startingAtOnce = Math.max(startingAtOnce, s.starting);
    }
    expect((await load).filter((r) => r.status === 'rejected')).toEqual([]);
    expect(most).toBe(3);
    expect(startingAtOnce).toBe(1);
    expect(ofType(events, 'pool.scaled').filter((e) => e.data?.direction === 'up')).toHaveLength(2);
    await waitFor(() => pool.getStats().total === 1, 'shrink to minWorkers');
    expect(ofType(events, 'pool.scaled').filter((e) => e.data?.direction === 'down')).toHaveLength(2);
    expect(await pool.execute(msg('still here'))).toBe('still here');
  });

  it('scale(min, max) grows at once and trims surplus workers', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1 });
    await pool.start();
    pool.scale(3, 4);
    await waitFor(() => pool.getStats().available === 3, 'three workers');
    pool.scale(1, 1);
    await waitFor(() => pool.getStats().total === 1, 'one worker');
    expect(() => pool.scale(3, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(pool.opts).toMatchObject({ minWorkers: 1, maxWorkers: 1 });
  });

  it('a restart-required change rolls new workers in with the new settings', async () => {
    const { pool } = makePool({ concurrencyPerWorker: 4 });
    await pool.start();
    const before = pool.getDetailedStats().workers.map((w) => w.id);
    const load = runLoad(pool, 100, 8, (i) => ({ i, sleep_ms: 5 }));
    const change = pool.updateConfig({ concurrencyPerWorker: 6, maxRetries: 1 });
    expect(change).toMatchObject({ applied: ['maxRetries'], restartRequired: ['concurrencyPerWorker'] });
    expect(await change.done).toEqual({ recycled: 2 });
    expect((await load).filter((r) => r.status === 'rejected')).toEqual([]);
    const after = pool.getDetailedStats().workers.map((w) => w.id);
    expect(after.some((id) => before.includes(id))).toBe(false);
    expect(pool.getStats().inFlightCapacity).toBe(12);
  });

  it('an invalid live update is refused whole: no option, worker or strategy changes', async () => {
    const { pool, events } = makePool({ loadBalancingStrategy: 'least-busy' });
    await pool.start();
    const before = { opts: { ...pool.opts }, workers: pool.getDetailedStats().workers.map((w) => w.pid) };
    expect(() => pool.updateConfig({ loadBalancingStrategy: 'random', agent: 'noisy_agent:NoisyAgent', minWorkers: 3, maxWorkers: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', details: { option: 'minWorkers' } }),
    );
    await sleep(100);
    expect(pool.opts).toEqual(before.opts);
    expect(pool.getStats().strategy).toBe('least-busy');
    expect(pool.getDetailedStats().workers.map((w) => w.pid)).toEqual(before.workers);
    expect(ofType(events, 'pool.config')).toHaveLength(0);
  });

  it('shutdown drains in-flight work, fails queued messages with ERR_POOL_CLOSED and stops the processes', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1, concurrencyPerWorker: 2 });
    await pool.start();
    const pid = pool.getDetailedStats().workers[0]!.pid!;
    const running = [pool.execute(msg({ a: 1, sleep_ms: 200 })), pool.execute(msg({ a: 2, sleep_ms: 200 }))];
    const queued = pool.execute(msg({ a: 3 })).catch((e: unknown) => e);
    await pool.shutdown({ timeout: 5_000 });
    expect(await Promise.all(running)).toEqual([
      { a: 1, sleep_ms: 200 },
      { a: 2, sleep_ms: 200 },
    ]);
    expect(await queued).toMatchObject({ code: 'ERR_POOL_CLOSED' });
    await expect(pool.execute(msg(1))).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
    expect(alive(pid)).toBe(false);
    expect(pool.getStats().total).toBe(0);
  });

  it('destroy kills at once and fails in-flight messages with ERR_POOL_CLOSED', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1 });
    await pool.start();
    const pid = pool.getDetailedStats().workers[0]!.pid!;
    const running = pool.execute(msg({ sleep_ms: 5_000 })).catch((e: unknown) => e);
    await sleep(20);
    await pool.destroy();
    expect(await running).toMatchObject({ code: 'ERR_POOL_CLOSED' });
    await waitFor(() => !alive(pid), 'process gone');
  });
});
