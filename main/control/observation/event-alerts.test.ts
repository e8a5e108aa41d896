// Alerts from pool events: worker restarts per minute, a crash loop and poison messages,
// raised by a real pool of real Python workers that crash on demand (crash_agent).
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../../common/contract';
import { validateConfig } from '../config/config-store';
import { defaultConfig } from '../../../common/schemas';
import type { ControlPlane } from '../index';
import { createPlane, tempDir } from '../test-support/plane';
import { waitFor } from '../../../common/test-support/wait';

let dir: string;
let cp: ControlPlane;

beforeAll(async () => {
  dir = await tempDir();
  cp = await createPlane(dir, {
    // one message at a time on one worker: each crash message kills the worker once, then ends as poison
    pool: {
      agent: 'crash_agent:CrashAgent',
      minWorkers: 1,
      maxWorkers: 1,
      concurrencyPerWorker: 1,
      maxRetries: 1,
      retryDelay: 10,
      healthCheckInterval: 60_000,
    },
    sampling: { intervalMs: 200, persistIntervalMs: 60_000 },
    alerts: { raiseAfterSamples: 1 },
  });
}, 30_000);
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it('messages that crash their worker raise the poison, restarts-per-minute and crash-loop alerts', async () => {
  const raised: Alert[] = [];
  const off = cp.on('alert.raised', (a) => raised.push(a));
  try {
    // Each one crashes the worker as soon as it is sent; the restarts come faster than 1 s of uptime.
    const crashes = Array.from({ length: 7 }, () => cp.handlers.submitTask({ data: { crash: true } }).catch((e: { code?: string }) => e.code));
    const poison = await waitFor(() => raised.find((a) => a.kind === 'poisonMessage'), 'poison alert', 20_000);
    expect(poison.severity).toBe('critical');
    const restarts = await waitFor(() => raised.find((a) => a.kind === 'workerRestarts'), 'restarts alert', 20_000);
    expect(restarts.value).toBeGreaterThanOrEqual(3);
    const loop = await waitFor(() => raised.find((a) => a.kind === 'crashLoop'), 'crash-loop alert', 20_000);
    expect(loop.workerId).toBe('w-1');
    expect((await cp.handlers.getAlerts({})).active.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['poisonMessage', 'workerRestarts', 'crashLoop']),
    );
    const events = await cp.handlers.getEvents({ level: 'warn' });
    expect(events.filter((e) => e.type === 'alert.raised').map((e) => e.data?.id)).toEqual(
      expect.arrayContaining(['poisonMessage', 'workerRestarts', 'crashLoop:w-1']),
    );
    void Promise.allSettled(crashes);
  } finally {
    off();
  }
}, 60_000);

it('the event alert thresholds are validated by name', () => {
  const bad = validateConfig({ ...defaultConfig(), alerts: { ...defaultConfig().alerts, restartsPerMinute: -1, poisonMessages: 1.5 } });
  expect(!bad.ok && bad.issues.map((i) => i.path).sort()).toEqual(['alerts.poisonMessages', 'alerts.restartsPerMinute']);
});
