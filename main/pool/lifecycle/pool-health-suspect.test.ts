// A blocked hub shows within seconds with the default health settings, not at the next
// 30 s ping as it did: first as suspect (with its age, live in the stats), then killed and
// replaced, while the message that blocked it is retried and ends as poison.
import { describe, expect, it } from 'vitest';
import { POOL_OPTION_TABLE as OPTION_TABLE } from '../../../common/pool-options-table';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';
import { waitFor } from '../../../common/test-support/wait';

installCleanup();

const DEFAULT_HEALTH = {
  healthCheckInterval: OPTION_TABLE.healthCheckInterval.default,
  healthCheckTimeout: OPTION_TABLE.healthCheckTimeout.default,
};

describe('blocked hub with the default health settings', () => {
  it('shows the worker as suspect with a live age, then, without restartOnFailure, unhealthy; it recovers when the spin ends', async () => {
    const { pool, events } = makePool({
      agent: 'cpu_agent:CpuAgent',
      minWorkers: 1,
      maxWorkers: 1,
      restartOnFailure: false,
      timeout: 120_000,
      ...DEFAULT_HEALTH,
    });
    await pool.start();
    // 10 s of CPU: under the old defaults (ping every 30 s) nothing would show before it ended.
    const spin = pool.execute(msg({ spin_ms: 10_000 }));
    await waitFor(() => (pool.getDetailedStats().workers[0]!.suspectForMs ?? 0) > 0, 'suspect state in the stats', 10_000);
    const first = pool.getDetailedStats().workers[0]!.suspectForMs!;
    await waitFor(() => (pool.getDetailedStats().workers[0]!.suspectForMs ?? 0) > first, 'the suspect age to grow');
    const reasons = ofType(events, 'worker.unhealthy').map((e) => e.data?.reason);
    expect(reasons[0]).toBe('suspect');
    await waitFor(() => ofType(events, 'worker.unhealthy').some((e) => e.data?.reason === 'hub-blocked'), 'hub-blocked verdict', 10_000);
    expect(pool.getStats().healthy).toBe(0);
    // the spin was still running when the verdict came: it is answered afterwards, not killed
    expect(await spin).toMatchObject({ spun_ms: expect.any(Number) });
    await waitFor(() => pool.getStats().healthy === 1, 'recovered');
    expect(pool.getDetailedStats().workers[0]!.suspectForMs).toBeUndefined();
  }, 60_000);

  it('with restartOnFailure the blocked worker is killed and replaced before the spin could end; the message ends as poison', async () => {
    const { pool, events } = makePool({
      agent: 'cpu_agent:CpuAgent',
      minWorkers: 1,
      maxWorkers: 1,
      maxRetries: 1,
      timeout: 120_000,
      ...DEFAULT_HEALTH,
    });
    await pool.start();
    const err = await pool.execute(msg({ spin_ms: 25_000 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_POISON_MESSAGE' });
    const unhealthy = ofType(events, 'worker.unhealthy').map((e) => e.data?.reason);
    // the worker was first suspect, then judged blocked and restarted
    expect(unhealthy.indexOf('suspect')).toBeGreaterThanOrEqual(0);
    expect(unhealthy.indexOf('suspect')).toBeLessThan(unhealthy.indexOf('hub-blocked'));
    expect(
      ofType(events, 'worker.unhealthy')
        .filter((e) => e.data?.reason === 'hub-blocked')
        .every((e) => e.data?.action === 'restart'),
    ).toBe(true);
  }, 90_000);
});
