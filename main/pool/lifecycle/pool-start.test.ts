// Start-up failures surface the real Python text, stay visible, and never cause a hot respawn loop.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';
import { sleep, waitFor } from '../../../common/test-support/wait';

installCleanup();

const MISSING = "No module named 'greenlet_a2a_missing_dependency'";

describe('start-up failures', () => {
  it('start() rejects ERR_START_FAILED with the agent import error; stats keep it; nothing respawns', async () => {
    const { pool, events } = makePool({ agent: 'bad_import_agent:BadImportAgent' });
    const err = await pool.start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_START_FAILED' });
    expect((err as Error).message).toContain(MISSING);
    expect(pool.getStats().startError).toContain(MISSING);
    const failed = ofType(events, 'worker.start_failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]!.message).toContain(MISSING);
    await sleep(400);
    expect(ofType(events, 'worker.start_failed')).toHaveLength(2); // no background respawn after a failed start()
    expect(pool.getStats().total).toBe(0);
  });

  it('the Python traceback of a failed start reaches the stats and the event with its lines intact', async () => {
    const { pool, events } = makePool({ agent: 'bad_import_agent:BadImportAgent', minWorkers: 1, maxWorkers: 1 });
    await pool.start().catch(() => undefined);
    for (const text of [pool.getStats().startError!, ofType(events, 'worker.start_failed')[0]!.message]) {
      const lines = text.split('\n');
      expect(lines).toContain('Traceback (most recent call last):');
      expect(lines.some((l) => /^ {2}File ".*bad_import_agent\.py", line \d+/.test(l))).toBe(true);
      expect(lines.at(-1)).toBe(`ModuleNotFoundError: ${MISSING}`);
    }
  });

  it('a missing interpreter fails with its path in the error', async () => {
    const { pool } = makePool({ pythonPath: '/nonexistent/bin/python3' });
    const err = await pool.start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_START_FAILED' });
    expect((err as Error).message).toContain('/nonexistent/bin/python3');
    expect(pool.getStats().startError).toContain('/nonexistent/bin/python3');
  });

  it('a config change to a broken agent aborts the recycle and keeps the old workers serving', async () => {
    const { pool, events } = makePool();
    await pool.start();
    const change = pool.updateConfig({ agent: 'bad_import_agent:BadImportAgent' });
    expect(change.restartRequired).toEqual(['agent']);
    const outcome = await change.done;
    expect(outcome.recycled).toBe(0);
    expect(outcome.error).toMatchObject({ code: 'ERR_START_FAILED' });
    expect(ofType(events, 'worker.recycled').some((e) => e.data?.aborted)).toBe(true);
    expect(pool.getStats()).toMatchObject({ total: 2, available: 2 });
    expect(pool.getStats().startError).toContain(MISSING);
    expect(await pool.execute(msg('old workers still serve'))).toBe('old workers still serve');
  });

  it('a worker that crashes and cannot start again backs off into a crash loop, not a hot loop', async () => {
    const { pool, events } = makePool();
    await pool.start();
    pool.updateConfig({ agent: 'bad_import_agent:BadImportAgent' });
    await waitFor(() => ofType(events, 'worker.recycled').length > 0, 'aborted recycle');
    const victim = pool.getDetailedStats().workers.find((w) => w.id === 'w-1')!;
    process.kill(victim.pid!, 'SIGKILL');
    await waitFor(
      () =>
        pool.getDetailedStats().workers.find((w) => w.id === 'w-1')?.state === 'failed' &&
        ofType(events, 'worker.restarted').some((e) => e.data?.crashLoop),
      'crash loop detected',
    );
    const attempts = ofType(events, 'worker.start_failed').filter((e) => e.workerId === 'w-1').length;
    expect(attempts).toBeGreaterThanOrEqual(4);
    await sleep(500);
    // In a crash loop the next attempt waits the 15 s cap: no new failures meanwhile.
    expect(ofType(events, 'worker.start_failed').filter((e) => e.workerId === 'w-1')).toHaveLength(attempts);
    const w1 = pool.getDetailedStats().workers.find((w) => w.id === 'w-1')!;
    expect(w1.lastError).toContain(MISSING);
    expect(await pool.execute(msg('w-2 serves'))).toBe('w-2 serves');
    // The operator fixes the config and restarts: the failed worker comes back at once.
    pool.updateConfig({ agent: 'echo_agent:EchoAgent' });
    await pool.restart();
    await waitFor(() => pool.getStats().available === 2, 'recovered after restart()');
    expect(pool.getStats().startError).toBeUndefined();
  });
});
