// Recycling by count, age, memory and by hand: replacement first, drain, nothing lost.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType, runLoad } from '../test-support/pool-test-helpers';
import type { GreenletProcessPool } from '../pool';
import { sleep, waitFor } from '../../../common/test-support/wait';

installCleanup();

/** Samples in-flight capacity while `work` runs; returns the lowest seen. */
async function lowestCapacityDuring<T>(pool: GreenletProcessPool, work: Promise<T>): Promise<{ result: T; lowest: number }> {
  let lowest = Infinity;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const s = pool.getDetailedStats();
      if (s.inFlightCapacity < lowest) {
        lowest = s.inFlightCapacity;
        // Kept for the failure message: which workers were serving at the lowest point.
        (pool as unknown as { lowestAt?: unknown }).lowestAt = s.workers.map((w) => `${w.id}:${w.state}:${w.inFlight}`);
      }
      await sleep(5);
    }
  })();
  const result = await work;
  done = true;
  await sampler;
  return { result, lowest };
}

describe('recycling', () => {
  it('recycles by message count under load with no message lost and capacity kept', async () => {
    const { pool, events } = makePool({ concurrencyPerWorker: 10, messageQueueSize: 500, maxMessagesPerWorker: 60, maxMessagesJitter: 10 });
    await pool.start();
    const { result, lowest } = await lowestCapacityDuring(
      pool,
      runLoad(pool, 800, 20, (i) => ({ i, sleep_ms: 10 })),
    );
    expect(result.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(result.map((r) => (r as PromiseFulfilledResult<{ i: number }>).value.i)).toEqual(Array.from({ length: 800 }, (_, i) => i));
    expect(pool.getStats().totalMessagesProcessed).toBe(800);
    // The limit was crossed during the load; on a starved machine the swap may complete just after it.
    await waitFor(() => ofType(events, 'worker.recycled').filter((e) => !e.data?.aborted).length >= 2, 'two recycles');
    const recycled = ofType(events, 'worker.recycled').filter((e) => !e.data?.aborted);
    expect(recycled.every((e) => e.data?.reason === 'messages' && (e.data.messagesProcessed as number) >= 60)).toBe(true);
    // never below minWorkers × concurrencyPerWorker
    expect(lowest, JSON.stringify({ at: (pool as unknown as { lowestAt?: unknown }).lowestAt, events })).toBeGreaterThanOrEqual(20);
  });

  it('recycles by age (with jitter) under load with no message lost', async () => {
    const { pool, events } = makePool({ concurrencyPerWorker: 4, messageQueueSize: 500, workerRecycleInterval: 300, workerRecycleJitter: 200 });
    await pool.start();
    const load = runLoad(pool, 300, 8, (i) => ({ i, sleep_ms: 20 }));
    const { result, lowest } = await lowestCapacityDuring(pool, load);
    expect(result.filter((r) => r.status === 'rejected')).toEqual([]);
    const recycled = ofType(events, 'worker.recycled').filter((e) => e.data?.reason === 'age' && !e.data.aborted);
    expect(recycled.length).toBeGreaterThanOrEqual(1);
    expect(recycled.every((e) => (e.data?.ageMs as number) >= 300)).toBe(true);
    expect(lowest).toBeGreaterThanOrEqual(8);
  });

  it('health pings and metrics do not count toward maxMessagesPerWorker', async () => {
    const { pool, events } = makePool({ maxMessagesPerWorker: 3, maxMessagesJitter: 0, healthCheckInterval: 100 });
    await pool.start();
    await waitFor(() => pool.getDetailedStats().workers.every((w) => w.rssBytes > 0), 'a health sample');
    await sleep(350); // several more health rounds
    expect(ofType(events, 'worker.recycled')).toHaveLength(0);
    expect(pool.getDetailedStats().workers.map((w) => w.messagesProcessed)).toEqual([0, 0]);
  });

  it('recycles a worker whose RSS passes maxWorkerMemoryMB on a metrics sample', async () => {
    const { pool, events } = makePool({ maxWorkerMemoryMB: 1, healthCheckInterval: 100 });
    await pool.start();
    await Promise.all([1, 2, 3, 4].map((i) => pool.execute(msg(i)))); // a worker that did no work is never "leaking"
    await waitFor(() => ofType(events, 'worker.recycled').some((e) => e.data?.reason === 'memory' && !e.data.aborted), 'memory recycle');
    pool.updateConfig({ maxWorkerMemoryMB: 0 });
    const ev = ofType(events, 'worker.recycled').find((e) => e.data?.reason === 'memory')!;
    expect(ev.data?.rssBytes as number).toBeGreaterThan(1024 * 1024);
    expect(await pool.execute(msg('after'))).toBe('after');
  });

  it("a memory limit below a fresh worker's RSS warns instead of recycling in a loop", async () => {
    const { pool, events } = makePool({ maxWorkerMemoryMB: 1, healthCheckInterval: 100 });
    await pool.start();
    await waitFor(() => events.filter((e) => e.type === 'pool.config' && e.level === 'warn').length === 2, 'one warning per worker');
    await sleep(300);
    expect(events.filter((e) => e.type === 'pool.config' && e.level === 'warn')).toHaveLength(2);
    expect(ofType(events, 'worker.recycled')).toHaveLength(0);
  });

  it('recycleWorker replaces one worker, letting its in-flight message finish', async () => {
    const { pool, events } = makePool({ loadBalancingStrategy: 'round-robin' });
    await pool.start();
    const slow = pool.executeWithInfo(msg({ sleep_ms: 300 }));
    expect(await pool.recycleWorker('w-1')).toBe(true);
    const outcome = await slow;
    expect(outcome).toMatchObject({ workerId: 'w-1', result: { sleep_ms: 300 } });
    const ids = pool.getDetailedStats().workers.map((w) => w.id);
    expect(ids).not.toContain('w-1');
    expect(ids).toHaveLength(2);
    const order = events
      .filter((e) => e.type === 'worker.started' || e.type === 'worker.recycled' || e.type === 'worker.exited')
      .map((e) => `${e.type}:${e.workerId}`);
    // replacement ready before the old worker is retired and stopped
    expect(order.slice(2)).toEqual(['worker.started:w-3', 'worker.recycled:w-1', 'worker.exited:w-1']);
  });

  it('recycleAll is rolling: one worker at a time', async () => {
    const { pool, events } = makePool();
    await pool.start();
    expect(await pool.recycleAll()).toBe(2);
    const seq = events.filter((e) => e.type === 'worker.recycled' || e.type === 'worker.exited').map((e) => `${e.type}:${e.workerId}`);
    expect(seq).toEqual(['worker.recycled:w-1', 'worker.exited:w-1', 'worker.recycled:w-2', 'worker.exited:w-2']);
    expect(pool.getStats()).toMatchObject({ total: 2, available: 2 });
  });

  it('recycleWorker of an unknown id is refused', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1 });
    await pool.start();
    await expect(pool.recycleWorker('w-42')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});
