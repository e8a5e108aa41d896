// Control plane lifecycle with real Python workers: persistence across a
// restart, a corrupt config file, a pool that cannot start, queue-full load.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../common/schemas';
import type { ControlPlane } from './index';
import { SMALL, createPlane, tempDir } from './test-support/plane';
import { rejection, waitFor } from '../../common/test-support/wait';

const dirs: string[] = [];
const planes: ControlPlane[] = [];
async function fresh(): Promise<string> {
  const d = await tempDir();
  dirs.push(d);
  return d;
}
async function open(dir: string, overrides = SMALL): Promise<ControlPlane> {
  const cp = await createPlane(dir, overrides);
  planes.push(cp);
  return cp;
}
afterEach(async () => {
  await Promise.all(planes.splice(0).map((cp) => cp.stop()));
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('persistence', () => {
  it('history and config survive a restart of the control plane', async () => {
    const dir = await fresh();
    const first = await open(dir);
    await first.handlers.updateConfig({ patch: { pool: { maxRetries: 1 }, alerts: { queueFillPct: 55 } } });
    await first.handlers.startLoad({ rate: 200, count: 100, sleepMs: 1, failureRate: 0, payloadBytes: 0 });
    await waitFor(async () => !(await first.handlers.getLoadStatus({})).running, 'load to finish', 20_000);
    // 1 s buckets: wait until a closed point with traffic exists
    await waitFor(async () => (await first.handlers.getMetricsHistory({ rangeMs: 600_000 })).samples.length >= 3, 'history points', 15_000);
    const before = await first.handlers.getMetricsHistory({ rangeMs: 600_000 });
    await first.stop();
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'history.json'), 'utf8'));
    expect(saved.version).toBe(1);

    const second = await open(dir);
    expect(second.getConfig().pool.maxRetries).toBe(1);
    expect(second.getConfig().alerts.queueFillPct).toBe(55);
    const after = await second.handlers.getMetricsHistory({ rangeMs: 600_000 });
    const restored = after.samples.filter((s) => s.t <= before.samples.at(-1)!.t);
    expect(restored.length).toBeGreaterThanOrEqual(before.samples.length - 1);
    expect(restored.some((s) => s.throughput > 0)).toBe(true);
  });

  it('a corrupt config file is kept aside, defaults are used and a warning is logged', async () => {
    const dir = await fresh();
    await fs.writeFile(path.join(dir, 'config.json'), '{ this is not json');
    const cp = await open(dir, {});
    expect(cp.getConfig()).toEqual(defaultConfig());
    const files = await fs.readdir(dir);
    const aside = files.find((f) => f.startsWith('config.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await fs.readFile(path.join(dir, aside!), 'utf8')).toBe('{ this is not json');
    const warnings = (await cp.handlers.getEvents({ level: 'warn' })).filter((e) => e.type === 'config.warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(aside!);
    expect((await cp.handlers.submitTask({ data: 'still works' })).result).toBe('still works');
  });
});

describe('a pool that cannot start', () => {
  it('opens anyway, reports the real error, raises the critical alert, and recovers when the setting is fixed', async () => {
    const dir = await fresh();
    const cp = await open(dir, { ...SMALL, pool: { ...SMALL.pool, pythonPath: '/nonexistent/python3', restartOnFailure: false } });
    const err = await rejection(cp.handlers.submitTask({ data: 1 }));
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.message).toContain('/nonexistent/python3');
    const alert = await waitFor(
      async () => (await cp.handlers.getAlerts({})).active.find((a) => a.id === 'noHealthyWorkers'),
      'critical alert',
      10_000,
    );
    expect(alert.severity).toBe('critical');
    expect((await cp.handlers.getEvents({ level: 'error' })).some((e) => e.type === 'worker.start_failed')).toBe(true);

    const r = await cp.handlers.updateConfig({ patch: { pool: { pythonPath: null } } });
    expect(r.restartRequired).toEqual(['pool.pythonPath']);
    expect((await cp.handlers.submitTask({ data: 2 })).result).toBe(2);
    await waitFor(async () => !(await cp.handlers.getAlerts({})).active.some((a) => a.id === 'noHealthyWorkers'), 'alert to clear', 10_000);
  });
});

describe('load generator against a full queue', () => {
  it('counts queue-full refusals as rejected, and every message is accounted for', async () => {
    const dir = await fresh();
    const cp = await open(dir, {
      pool: { minWorkers: 1, maxWorkers: 1, messageQueueSize: 2, concurrencyPerWorker: 1, workerQueueSize: 0 },
      sampling: { intervalMs: 500 },
    });
    await cp.handlers.startLoad({ rate: 500, count: 60, sleepMs: 50, failureRate: 0, payloadBytes: 0 });
    const s = await waitFor(
      async () => {
        const st = await cp.handlers.getLoadStatus({});
        return !st.running && st.succeeded + st.failed + st.rejected === st.sent ? st : undefined;
      },
      'load to finish',
      30_000,
    );
    expect(s.sent).toBe(60);
    expect(s.rejected).toBeGreaterThan(0);
    expect(s.succeeded).toBeGreaterThan(0);
    expect(s.succeeded + s.failed + s.rejected).toBe(60);
  });
});

describe('worker output', () => {
  it('agent prints become per-worker log lines, filterable by worker', async () => {
    const dir = await fresh();
    const cp = await open(dir, { ...SMALL, pool: { ...SMALL.pool, agent: 'noisy_agent:NoisyAgent' } });
    const r = await cp.handlers.submitTask({ data: { lines: 3 } });
    const lines = await waitFor(
      async () => {
        const ev = await cp.handlers.getEvents({ workerId: r.workerId, level: 'debug' });
        return ev.some((e) => e.message.includes('noisy raw fd-1 write')) ? ev : undefined;
      },
      'worker output lines',
      10_000,
    );
    const output = lines.filter((e) => e.type === 'worker.output').map((e) => e.message);
    expect(output).toEqual(expect.arrayContaining(['noisy print line 1 of 3', 'noisy print line 3 of 3']));
    expect(lines.every((e) => e.workerId === r.workerId)).toBe(true);
    expect((await cp.handlers.getEvents({ workerId: r.workerId, level: 'info' })).some((e) => e.type === 'worker.output')).toBe(false);
  });
});
