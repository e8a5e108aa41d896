// The Tasks view's "waiting on…": a task sent with a trackId can be asked what it waits
// for — its queue position, or the worker it runs on and that worker's unanswered pings —
// with real Python workers whose hub a CPU-bound message blocks.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ControlPlane } from '../index';
import { createPlane, tempDir } from '../test-support/plane';
import { waitFor } from '../../../common/test-support/wait';

let dir: string;
let cp: ControlPlane;

beforeAll(async () => {
  dir = await tempDir();
  cp = await createPlane(dir, {
    // one slot: the second task must wait in the queue behind the blocked one
    pool: {
      agent: 'cpu_agent:CpuAgent',
      minWorkers: 1,
      maxWorkers: 1,
      concurrencyPerWorker: 1,
      restartOnFailure: false,
      healthCheckInterval: 1_000,
      healthCheckTimeout: 3_000,
      timeout: 60_000,
    },
    sampling: { intervalMs: 200, persistIntervalMs: 60_000 },
  });
}, 30_000);
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it('says which worker a task runs on and how long that worker has not answered pings, and where a queued task stands', async () => {
  const blocked = cp.handlers.submitTask({ data: { spin_ms: 8_000 }, trackId: 'blocked-1' });
  const waiting = cp.handlers.submitTask({ data: { spin_ms: 1 }, trackId: 'waiting-1' });
  const running = await waitFor(
    async () => {
      const p = await cp.handlers.getTaskProgress({ trackId: 'blocked-1' });
      return p?.workerSuspectForMs !== undefined ? p : null;
    },
    'progress naming the suspect worker',
    15_000,
  );
  expect(running).toMatchObject({ state: 'running', workerId: 'w-1', attempt: 1, maxAttempts: 4 });
  expect(await cp.handlers.getTaskProgress({ trackId: 'waiting-1' })).toMatchObject({
    state: 'queued',
    queuePosition: 1,
    queueLength: 1,
    attempt: 0,
  });
  expect(await cp.handlers.getTaskProgress({ trackId: 'no-such-task' })).toBeNull();
  await Promise.all([blocked, waiting]);
  // settled tasks are forgotten
  expect(await cp.handlers.getTaskProgress({ trackId: 'blocked-1' })).toBeNull();
}, 60_000);
