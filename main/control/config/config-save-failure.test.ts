// A config change that reaches the running pool but cannot be written to disk
// (disk full, read-only data dir) must say exactly that, and the app's view of
// the config must match what the pool runs. Real pool, real Python workers.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppConfig } from '../../../common/schemas';
import type { ControlPlane } from '../index';
import { createPlane, tempDir } from '../test-support/plane';
import { rejection } from '../../../common/test-support/wait';

let dir: string;
let cp: ControlPlane;

beforeAll(async () => {
  dir = await tempDir();
  cp = await createPlane(dir);
}, 30_000);
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it('a change applied live but not saved is reported as such, and config.changed still tells the UI', async () => {
  // config.json replaced by a non-empty directory: the atomic rename over it fails
  await fs.rm(path.join(dir, 'config.json'));
  await fs.mkdir(path.join(dir, 'config.json', 'x'), { recursive: true });
  const changed: AppConfig[] = [];
  const off = cp.on('config.changed', (c) => changed.push(c));
  try {
    const err = await rejection(cp.handlers.updateConfig({ patch: { alerts: { queueFillPct: 55 } } }));
    expect(err.code).toBe('ERR_CONFIG_NOT_SAVED');
    expect(err.message).toMatch(/applied/i);
    expect(err.message).toMatch(/config\.json/);
    // it is live: the running config, the event and the log all say so
    expect(cp.getConfig().alerts.queueFillPct).toBe(55);
    expect((await cp.handlers.getAlerts({})).thresholds.queueFillPct).toBe(55);
    expect(changed.map((c) => c.alerts.queueFillPct)).toEqual([55]);
    const logged = await cp.handlers.getEvents({ level: 'error' });
    expect(logged.some((e) => /not saved|could not be saved/i.test(e.message))).toBe(true);
  } finally {
    off();
  }
}, 30_000);
