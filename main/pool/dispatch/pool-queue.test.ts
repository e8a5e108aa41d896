// Dispatch and the bounded pool queue: capacity, refusal, deadlines, cancellation, errors.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';

installCleanup();

const oneWorker = { minWorkers: 1, maxWorkers: 1 };

describe('pool queue and dispatch', () => {
  it('resolves with the agent return value', async () => {
    const { pool } = makePool(oneWorker);
    await pool.start();
    expect(await pool.execute(msg({ hello: 'world', n: [1, 2] }))).toEqual({ hello: 'world', n: [1, 2] });
    const info = await pool.executeWithInfo(msg('x'));
    expect(info).toMatchObject({ result: 'x', workerId: 'w-1', attempts: 1 });
    expect(info.latencyMs).toBeGreaterThanOrEqual(info.queueWaitMs);
  });

  it('never pushes more than concurrencyPerWorker to a worker; the rest waits in the pool queue', async () => {
    const { pool } = makePool({ ...oneWorker, concurrencyPerWorker: 2, messageQueueSize: 10 });
    await pool.start();
    const all = Array.from({ length: 6 }, (_, i) => pool.execute(msg({ i, sleep_ms: 100 })));
    expect(pool.getStats()).toMatchObject({ inFlight: 2, queueDepth: 4, inFlightCapacity: 2 });
    expect(pool.getDetailedStats().workers[0]!.inFlight).toBe(2);
    expect(await Promise.all(all)).toHaveLength(6);
    expect(pool.getStats().queueDepth).toBe(0);
  });

  it('rejects at once with ERR_QUEUE_FULL when the queue is full, and loses nothing else', async () => {
    const { pool, events } = makePool({ ...oneWorker, concurrencyPerWorker: 2, messageQueueSize: 3 });
    await pool.start();
    const accepted = Array.from({ length: 5 }, (_, i) => pool.execute(msg({ i, sleep_ms: 200 })));
    const refused = await pool.execute(msg({ i: 99 })).catch((e: unknown) => e);
    // Refused while all five accepted messages were still running or waiting: not after a wait.
    expect(pool.getStats()).toMatchObject({ inFlight: 2, queueDepth: 3 });
    expect(refused).toMatchObject({ code: 'ERR_QUEUE_FULL' });
    expect((refused as Error).message).toMatch(/queue is full/i);
    expect(ofType(events, 'queue.overflow')).toHaveLength(1);
    const results = (await Promise.all(accepted)) as { i: number }[];
    expect(results.map((r) => r.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('fails a message that waited past queueTimeout with ERR_QUEUE_TIMEOUT, separately from the run deadline', async () => {
    const { pool, events } = makePool({ ...oneWorker, concurrencyPerWorker: 1, queueTimeout: 50, timeout: 10_000 });
    await pool.start();
    const running = pool.execute(msg({ sleep_ms: 400 }));
    const waiting = pool.execute(msg({ i: 2 })).catch((e: unknown) => e);
    expect(await waiting).toMatchObject({ code: 'ERR_QUEUE_TIMEOUT' });
    expect(await running).toEqual({ sleep_ms: 400 });
    expect(ofType(events, 'task.timeout')[0]?.data).toMatchObject({ phase: 'queue' });
  });

  it('fails a message past its run deadline with ERR_TIMEOUT and keeps the worker serving', async () => {
    const { pool, events } = makePool({ ...oneWorker, timeout: 100 });
    await pool.start();
    await expect(pool.execute(msg({ sleep_ms: 3_000 }))).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(ofType(events, 'task.timeout')[0]).toMatchObject({ workerId: 'w-1', data: { phase: 'run' } });
    expect(await pool.execute(msg('still alive'))).toBe('still alive');
    expect(pool.getStats().totalErrors).toBe(1);
  });

  it('per-call timeout overrides the pool default', async () => {
    const { pool } = makePool({ ...oneWorker, timeout: 10_000 });
    await pool.start();
    await expect(pool.execute(msg({ sleep_ms: 3_000 }), { timeout: 80 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
  });

  it('an aborted queued message leaves the queue with ERR_CANCELLED', async () => {
    const { pool } = makePool({ ...oneWorker, concurrencyPerWorker: 1 });
    await pool.start();
    const running = pool.execute(msg({ sleep_ms: 200 }));
    const ac = new AbortController();
    const queued = pool.execute(msg({ i: 1 }), { signal: ac.signal }).catch((e: unknown) => e);
    expect(pool.getStats().queueDepth).toBe(1);
    ac.abort();
    expect(await queued).toMatchObject({ code: 'ERR_CANCELLED' });
    expect(pool.getStats().queueDepth).toBe(0);
    expect(await running).toEqual({ sleep_ms: 200 });
  });

  it('an aborted running message is cancelled in the worker', async () => {
    const { pool } = makePool(oneWorker);
    await pool.start();
    const ac = new AbortController();
    const p = pool.execute(msg({ sleep_ms: 5_000 }), { signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 50);
    expect(await p).toMatchObject({ code: 'ERR_CANCELLED' });
    expect(pool.getStats().inFlight).toBe(0);
  });

  it('an agent exception fails that message with ERR_AGENT and the traceback, without retry', async () => {
    const { pool, events } = makePool({ ...oneWorker, maxRetries: 3 });
    await pool.start();
    const err = await pool.execute(msg({ fail: true, message: 'boom from agent' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_AGENT' });
    expect((err as Error).message).toContain('boom from agent');
    expect(JSON.stringify((err as { details: unknown }).details)).toContain('Traceback');
    expect(ofType(events, 'task.retry')).toHaveLength(0);
    expect(pool.getDetailedStats().workers[0]).toMatchObject({ errors: 1, messagesProcessed: 1 });
  });

  it('a throwing event listener cannot leave a message unsettled', async () => {
    const { pool } = makePool({ ...oneWorker, concurrencyPerWorker: 1, messageQueueSize: 1, timeout: 100 });
    pool.on('event', () => {
      throw new Error('listener bug');
    });
    await pool.start();
    const running = pool.execute(msg({ sleep_ms: 2_000 })).catch((e: unknown) => e);
    const queued = pool.execute(msg('q'));
    await expect(pool.execute(msg('overflow'))).rejects.toMatchObject({ code: 'ERR_QUEUE_FULL' });
    expect(await running).toMatchObject({ code: 'ERR_TIMEOUT' }); // task.timeout listener threw meanwhile
    expect(await queued).toBe('q');
  });

  it('refuses bad per-call options and unserialisable data without disturbing the pool', async () => {
    const { pool } = makePool(oneWorker);
    await pool.start();
    await expect(pool.execute(msg(1), { timeout: -5 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', details: { option: 'timeout' } });
    await expect(pool.execute(msg(1), { queueTimeout: 1.5 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      details: { option: 'queueTimeout' },
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(pool.execute(msg(circular))).rejects.toMatchObject({ code: 'ERR_PROTOCOL' });
    expect(pool.getStats().inFlight).toBe(0);
    expect(await pool.execute(msg('ok'))).toBe('ok');
  });

  it('refuses work before start() and malformed messages', async () => {
    const { pool } = makePool(oneWorker);
    await expect(pool.execute(msg(1))).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
    await pool.start();
    await expect(pool.execute({ type: 'agent.ping' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});
