// Worker death: re-dispatch of in-flight work, retry backoff, poison messages, restart.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType, runLoad } from '../test-support/pool-test-helpers';
import { testAgentsDir } from '../test-support/test-agents';
import { waitFor } from '../../../common/test-support/wait';

installCleanup();

// Fixture agent loaded through pythonPaths: slow echoes and delayed self-kill in one worker.
const fixtures = { agent: 'mixed_agent:MixedAgent', pythonPaths: [testAgentsDir] };

describe('worker crashes', () => {
  it('kill -9 of a busy worker mid-load: every message is still answered', async () => {
    const { pool, events } = makePool({ concurrencyPerWorker: 20, messageQueueSize: 500, maxRetries: 3 });
    await pool.start();
    const load = runLoad(pool, 400, 40, (i) => ({ i, sleep_ms: 10 }));
    await waitFor(() => (pool.getDetailedStats().workers.find((w) => w.id === 'w-1')?.inFlight ?? 0) > 5, 'w-1 busy');
    const victim = pool.getDetailedStats().workers.find((w) => w.id === 'w-1')!;
    process.kill(victim.pid!, 'SIGKILL');
    const results = await load;
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    expect(results.map((r) => (r as PromiseFulfilledResult<{ i: number }>).value.i)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(ofType(events, 'task.retry').length).toBeGreaterThan(0);
    expect(ofType(events, 'worker.unhealthy').some((e) => e.workerId === 'w-1' && e.data?.reason === 'process-dead')).toBe(true);
    await waitFor(() => pool.getStats().available === 2, 'w-1 restarted');
    const w1 = pool.getDetailedStats().workers.find((w) => w.id === 'w-1')!;
    expect(w1.restarts).toBe(1);
    expect(w1.pid).not.toBe(victim.pid);
    expect(ofType(events, 'worker.restarted').some((e) => e.workerId === 'w-1')).toBe(true);
  });

  it('executeWithInfo reports the retry: second attempt, on the surviving worker', async () => {
    const { pool } = makePool({ loadBalancingStrategy: 'round-robin' });
    await pool.start();
    const slow = pool.executeWithInfo(msg({ sleep_ms: 300 }));
    const w1 = pool.getDetailedStats().workers.find((w) => w.id === 'w-1')!;
    expect(w1.inFlight).toBe(1);
    process.kill(w1.pid!, 'SIGKILL');
    const outcome = await slow;
    expect(outcome).toMatchObject({ result: { sleep_ms: 300 }, workerId: 'w-2', attempts: 2 });
    expect(outcome.latencyMs).toBeGreaterThan(outcome.queueWaitMs);
  });

  it('retries a crashed message with exponential backoff', async () => {
    const { pool, events } = makePool({ agent: 'crash_agent:CrashAgent', maxRetries: 3, retryDelay: 20 });
    await pool.start();
    await pool.execute(msg({ crash: true })).catch(() => undefined);
    const retries = ofType(events, 'task.retry');
    expect(retries.map((e) => e.data?.attempt)).toEqual([2, 3]);
    const delays = retries.map((e) => e.data?.delayMs as number);
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[1]).toBeGreaterThanOrEqual(40);
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    expect(retries.every((e) => e.data?.reason === 'ERR_WORKER_CRASHED')).toBe(true);
  });

  it('a message that killed maxRetries workers fails with ERR_POISON_MESSAGE and the pool survives', async () => {
    const { pool, events } = makePool({ agent: 'crash_agent:CrashAgent', maxRetries: 2 });
    await pool.start();
    const err = await pool.execute(msg({ crash: true })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_POISON_MESSAGE' });
    expect(ofType(events, 'task.poison')).toHaveLength(1);
    expect(ofType(events, 'worker.exited').filter((e) => e.level === 'warn')).toHaveLength(2); // killed exactly maxRetries workers
    await waitFor(() => pool.getStats().available === 2, 'workers restarted');
    expect(await pool.execute(msg({ ok: 1 }))).toEqual({ ok: 1 });
  });

  it('bystanders that shared a worker with a poison message are not condemned with it', async () => {
    const { pool, events } = makePool({ ...fixtures, minWorkers: 1, maxWorkers: 1, maxRetries: 3 });
    await pool.start();
    const poison = pool.execute(msg({ crash_after_ms: 100 })).catch((e: unknown) => e);
    const bystanders = Array.from({ length: 8 }, (_, i) => pool.execute(msg({ i, sleep_ms: 300 })));
    expect(await poison).toMatchObject({ code: 'ERR_POISON_MESSAGE' });
    expect(((await Promise.all(bystanders)) as { i: number }[]).map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const retries = ofType(events, 'task.retry');
    expect(retries.filter((e) => e.data?.attempt === 2)).toHaveLength(9); // the first crash took all nine down
    expect(retries.some((e) => e.data?.isolated === true)).toBe(true);
    expect(ofType(events, 'task.poison')).toHaveLength(1);
  });

  it('with maxRetries 0 a crash fails the message at once with ERR_WORKER_CRASHED', async () => {
    const { pool, events } = makePool({ agent: 'crash_agent:CrashAgent', maxRetries: 0 });
    await pool.start();
    await expect(pool.execute(msg({ crash: true }))).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
    expect(ofType(events, 'task.retry')).toHaveLength(0);
  });

  it('restartOnFailure=false leaves a dead worker down and keeps serving on the others', async () => {
    const { pool } = makePool({ agent: 'crash_agent:CrashAgent', restartOnFailure: false, maxRetries: 0 });
    await pool.start();
    await pool.execute(msg({ crash: true })).catch(() => undefined);
    const states = pool
      .getDetailedStats()
      .workers.map((w) => w.state)
      .sort();
    expect(states).toEqual(['exited', 'ready']);
    expect(await pool.execute(msg('fine'))).toBe('fine');
  });

  it('when the last worker dies for good, waiting and new messages fail instead of hanging', async () => {
    const { pool } = makePool({
      agent: 'crash_agent:CrashAgent',
      restartOnFailure: false,
      maxRetries: 0,
      minWorkers: 1,
      maxWorkers: 1,
      concurrencyPerWorker: 1,
    });
    await pool.start();
    const crash = pool.execute(msg({ crash_after_ms: 100 })).catch((e: unknown) => e);
    const waiting = pool.execute(msg('queued')).catch((e: unknown) => e);
    expect(await crash).toMatchObject({ code: 'ERR_WORKER_CRASHED' });
    expect(await waiting).toMatchObject({ code: 'ERR_NOT_CONNECTED' });
    await expect(pool.execute(msg('later'))).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
  });
});
