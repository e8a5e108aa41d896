// Health: hub-blocked detection and restart, health samples, noisy agents, per-worker output.
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';
import { waitFor } from '../../../common/test-support/wait';

installCleanup();

describe('health and output', () => {
  it('detects a hub-blocking agent as unhealthy, restarts the worker, and ends the message as poison', async () => {
    const { pool, events } = makePool({
      agent: 'cpu_agent:CpuAgent',
      healthCheckInterval: 100,
      healthCheckTimeout: 400, // generous: an idle worker on a starved machine must not look blocked
      maxRetries: 2,
      timeout: 60_000,
    });
    await pool.start();
    const err = await pool.execute(msg({ spin_ms: 20_000 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_POISON_MESSAGE' });
    const blocked = ofType(events, 'worker.unhealthy').filter((e) => e.data?.reason === 'hub-blocked');
    expect(blocked.length).toBeGreaterThanOrEqual(2); // the message blocked each worker it was sent to
    expect(blocked.every((e) => e.data?.action === 'restart')).toBe(true);
    await waitFor(() => pool.getStats().healthy === 2 && pool.getStats().available === 2, 'workers restarted');
    expect(ofType(events, 'worker.restarted').length).toBeGreaterThanOrEqual(2);
    expect(await pool.execute(msg({ spin_ms: 1 }))).toMatchObject({ iterations: expect.any(Number) });
  });

  it('without restartOnFailure a blocked worker is marked unhealthy and gets no new work until it recovers', async () => {
    const { pool, events } = makePool({
      agent: 'cpu_agent:CpuAgent',
      restartOnFailure: false,
      healthCheckInterval: 100,
      healthCheckTimeout: 400,
    });
    await pool.start();
    const spin = pool.executeWithInfo(msg({ spin_ms: 2_500 }));
    await waitFor(() => ofType(events, 'worker.unhealthy').some((e) => e.data?.reason === 'hub-blocked'), 'hub-blocked event');
    const blockedId = ofType(events, 'worker.unhealthy')[0]!.workerId;
    expect(pool.getStats().healthy).toBe(1);
    const other = await pool.executeWithInfo(msg({ spin_ms: 1 }));
    expect(other.workerId).not.toBe(blockedId);
    expect((await spin).workerId).toBe(blockedId);
    await waitFor(() => pool.getStats().healthy === 2, 'recovered');
    expect(ofType(events, 'worker.unhealthy').some((e) => e.data?.reason === 'recovered')).toBe(true);
  });

  it('health samples fill RSS and loop lag per worker', async () => {
    const { pool } = makePool({ healthCheckInterval: 100 });
    await pool.start();
    await waitFor(() => pool.getDetailedStats().workers.every((w) => w.rssBytes > 1024 * 1024), 'RSS sample');
    const w = pool.getDetailedStats().workers[0]!;
    expect(w.loopLagMs).toBeGreaterThanOrEqual(0);
    expect(w.healthy).toBe(true);
  });

  it('a noisy-stdout agent works; its prints arrive as worker.output lines', async () => {
    const { pool, events } = makePool({ agent: 'noisy_agent:NoisyAgent', minWorkers: 1, maxWorkers: 1 });
    await pool.start();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.execute(msg({ lines: 5, i }))));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => ({ lines: 5, i })));
    await waitFor(() => ofType(events, 'worker.output').length >= 20 * 8, 'output lines');
    const lines = ofType(events, 'worker.output').map((e) => e.message);
    expect(lines).toContain('noisy print line 1 of 5');
    expect(lines.some((l) => l.includes('"id":"forged"'))).toBe(true);
    expect(ofType(events, 'worker.output').every((e) => e.workerId === 'w-1')).toBe(true);
    expect(pool.getDetailedStats().workers[0]!.outputLines).toBeGreaterThanOrEqual(160);
  });
});
