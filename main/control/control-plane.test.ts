// The control plane end to end with a real pool of real Python workers
// (python/examples/echo_agent.py, the default demo agent).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, LoadStatus, MetricsSample } from '../../common/contract';
import { defaultConfig } from '../../common/schemas';
import type { ControlPlane } from './index';
import { LoadGenerator } from './tuning/load-generator';
import { createPlane, tempDir } from './test-support/plane';
import { rejection, sleep, waitFor } from '../../common/test-support/wait';

let dir: string;
let cp: ControlPlane;

beforeAll(async () => {
  dir = await tempDir();
  cp = await createPlane(dir);
});
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('works with no config: defaults on disk, the echo demo agent answers', async () => {
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8'));
    expect(onDisk).toEqual(defaultConfig());
    expect(cp.getConfig().pool.agent).toBe('echo_agent:EchoAgent');
    const info = await cp.handlers.getAppInfo({});
    expect(info).toMatchObject({ version: '9.9.9-test', mode: 'headless', dataDir: dir });
    cp.setAppInfo({ a2aUrl: 'http://127.0.0.1:1/a2a' });
    expect((await cp.handlers.getAppInfo({})).a2aUrl).toBe('http://127.0.0.1:1/a2a');
  });
});

describe('commands', () => {
  it('submitTask returns the result, the worker and the latency', async () => {
    const r = await cp.handlers.submitTask({ data: { hello: 'world', n: 3 } });
    expect(r.result).toEqual({ hello: 'world', n: 3 });
    expect(r.workerId).toMatch(/^w-\d+$/);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.attempts).toBe(1);
  });

  it('submitTask passes the agent error code through', async () => {
    const err = await rejection(cp.handlers.submitTask({ data: { fail: true, message: 'boom' } }));
    expect(err.code).toBe('ERR_AGENT');
    expect(err.message).toContain('boom');
  });

  it('recycleWorker refuses an unknown id with ERR_NOT_FOUND and replaces a known one', async () => {
    expect((await rejection(cp.handlers.recycleWorker({ workerId: 'nope' }))).message).toContain('nope');
    expect((await rejection(cp.handlers.recycleWorker({ workerId: 'w-999' }))).code).toBe('ERR_NOT_FOUND');
    const before = (await cp.handlers.getDetailedStats({})).workers.find((w) => w.state === 'ready');
    expect(before).toBeDefined();
    expect(await cp.handlers.recycleWorker({ workerId: before!.id })).toEqual({ recycled: before!.id });
    const after = await cp.handlers.getDetailedStats({});
    expect(after.workers.some((w) => w.id === before!.id)).toBe(false);
    expect(after.healthy).toBeGreaterThanOrEqual(1);
    const events = await cp.handlers.getEvents({ workerId: before!.id });
    expect(events.some((e) => e.type === 'worker.recycled')).toBe(true);
  });

  it('recycleAll replaces every ready worker, one at a time', async () => {
    const before = (await cp.handlers.getDetailedStats({})).workers.filter((w) => w.state === 'ready').map((w) => w.id);
    const r = await cp.handlers.recycleAll({});
    expect(r.recycled).toBe(before.length);
    const after = (await cp.handlers.getDetailedStats({})).workers.map((w) => w.id);
    expect(after.some((id) => before.includes(id))).toBe(false);
    expect((await cp.handlers.getStats({})).healthy).toBeGreaterThanOrEqual(1);
  });

  it('restartPool keeps the pool serving', async () => {
    expect(await cp.handlers.restartPool({})).toEqual({ ok: true });
    expect((await cp.handlers.submitTask({ data: 1 })).result).toBe(1);
  });
});

describe('config', () => {
  it('refuses an invalid patch naming every bad field, and applies nothing', async () => {
    const before = structuredClone(cp.getConfig());
    const fileBefore = await fs.readFile(path.join(dir, 'config.json'), 'utf8');
    const err = await rejection(
      cp.handlers.updateConfig({
        patch: { pool: { minWorkers: 5, maxWorkers: 3, loadBalancingStrategy: 'fastest', timeout: -1 }, alerts: { queueFillPct: 101 } },
      }),
    );
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues?.map((i) => i.path).sort()).toEqual(['alerts.queueFillPct', 'pool.loadBalancingStrategy', 'pool.minWorkers', 'pool.timeout']);
    expect(cp.getConfig()).toEqual(before);
    expect(await fs.readFile(path.join(dir, 'config.json'), 'utf8')).toBe(fileBefore);
    expect(cp.getPool().opts.maxWorkers).toBe(before.pool.maxWorkers);
  });

  it('applies strategy and maxWorkers live, persists them and reports the paths', async () => {
    const changed: unknown[] = [];
    const off = cp.on('config.changed', (c) => changed.push(c));
    const r = await cp.handlers.updateConfig({ patch: { pool: { loadBalancingStrategy: 'least-busy', maxWorkers: 3 } } });
    off();
    expect(r.applied.sort()).toEqual(['pool.loadBalancingStrategy', 'pool.maxWorkers']);
    expect(r.restartRequired).toEqual([]);
    expect((await cp.handlers.getStats({})).strategy).toBe('least-busy');
    expect(cp.getPool().opts.maxWorkers).toBe(3);
    expect(changed).toHaveLength(1);
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8'));
    expect(onDisk.pool).toMatchObject({ loadBalancingStrategy: 'least-busy', maxWorkers: 3 });
    expect((await cp.handlers.getEvents({})).some((e) => e.type === 'config.changed')).toBe(true);
  });

  it('a worker-launch setting restarts workers (rolling) and says which paths needed it', async () => {
    const before = (await cp.handlers.getDetailedStats({})).workers.map((w) => w.id);
    const r = await cp.handlers.updateConfig({ patch: { pool: { concurrencyPerWorker: 50, maxRetries: 2 } } });
    expect(r.restartRequired).toEqual(['pool.concurrencyPerWorker']);
    expect(r.applied).toEqual(['pool.maxRetries']);
    await waitFor(
      async () =>
        (await cp.handlers.getEvents({})).some((e) => e.type === 'pool.config' && e.message.includes('restarted for: concurrencyPerWorker')),
      'rolling restart',
      20_000,
    );
    const after = await cp.handlers.getDetailedStats({});
    expect(after.workers.some((w) => before.includes(w.id))).toBe(false);
    expect((await cp.handlers.submitTask({ data: 'after restart' })).result).toBe('after restart');
  });

  it('an agent that cannot import is refused with the real Python error; pool and saved config stay as they were', async () => {
    const configBefore = await cp.handlers.getConfig({});
    const onDiskBefore = await fs.readFile(path.join(dir, 'config.json'), 'utf8');
    const pids = (await cp.handlers.getDetailedStats({})).workers.map((w) => w.pid);
    const err = await rejection(cp.handlers.updateConfig({ patch: { pool: { agent: 'bad_import_agent:BadImportAgent', maxRetries: 1 } } }));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues?.[0]?.path).toBe('pool.agent');
    expect(err.issues?.[0]?.message).toContain('greenlet_a2a_missing_dependency');
    expect(await cp.handlers.getConfig({})).toEqual(configBefore);
    expect(await fs.readFile(path.join(dir, 'config.json'), 'utf8')).toBe(onDiskBefore);
    expect((await cp.handlers.getDetailedStats({})).workers.map((w) => w.pid)).toEqual(pids);
  });

  it('previews a diff without applying it', async () => {
    const p = await cp.handlers.previewConfig({ patch: { pool: { agent: 'my_pkg.agents:Other', maxRetries: 1 } } });
    expect(p.valid).toBe(true);
    expect(p.diff).toEqual([
      { path: 'pool.maxRetries', from: 2, to: 1, restartRequired: false },
      { path: 'pool.agent', from: 'echo_agent:EchoAgent', to: 'my_pkg.agents:Other', restartRequired: true },
    ]);
    expect(cp.getConfig().pool.agent).toBe('echo_agent:EchoAgent');
    const bad = await cp.handlers.previewConfig({ patch: { pool: { maxRetries: 99 } } });
    expect(bad).toMatchObject({ valid: false, diff: [] });
    expect(bad.issues.map((i) => i.path)).toEqual(['pool.maxRetries']);
  });

  it('scale goes through validation: min > max is refused, a valid range is applied', async () => {
    const err = await rejection(cp.handlers.scale({ minWorkers: 3, maxWorkers: 2 }));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues?.map((i) => i.path)).toEqual(['pool.minWorkers']);
    const r = await cp.handlers.scale({ minWorkers: 2, maxWorkers: 3 });
    expect(r.config.pool).toMatchObject({ minWorkers: 2, maxWorkers: 3 });
    await waitFor(async () => (await cp.handlers.getStats({})).healthy >= 2, 'two healthy workers', 15_000);
    await cp.handlers.scale({ minWorkers: 1, maxWorkers: 3 });
  });
});

describe('load, metrics and alerts', () => {
  it('load generator counts add up and match the pool’s own error count', async () => {
    const errorsBefore = (await cp.handlers.getStats({})).totalErrors;
    const statuses: LoadStatus[] = [];
    const off = cp.on('load.status', (s) => statuses.push(s));
    await cp.handlers.startLoad({ rate: 400, count: 120, sleepMs: 5, failureRate: 0.25, payloadBytes: 64 });
    const done = await waitFor(
      async () => {
        const s = await cp.handlers.getLoadStatus({});
        return !s.running && s.succeeded + s.failed + s.rejected === s.sent ? s : undefined;
      },
      'load run to finish',
      20_000,
    );
    off();
    expect(done.sent).toBe(120);
    expect(done.target).toBe(120);
    expect(done.succeeded + done.failed + done.rejected).toBe(120);
    expect(done.failed).toBeGreaterThan(0);
    expect(done.rejected).toBe(0);
    expect((await cp.handlers.getStats({})).totalErrors - errorsBefore).toBe(done.failed);
    expect(statuses.at(-1)).toMatchObject({ running: false, sent: 120 });
  });

  it('load generator fails exactly the messages it marked, with the echo agent knobs', async () => {
    let n = 0;
    const sentData: Array<Record<string, unknown>> = [];
    const gen = new LoadGenerator({
      submit: (data) => {
        sentData.push(data as Record<string, unknown>);
        return cp.getPool().execute({ type: 'agent.process', data });
      },
      now: Date.now,
      onStatus: () => undefined,
      random: () => (n++ % 4 === 0 ? 0.1 : 0.9), // every 4th message fails
    });
    gen.start({ rate: 500, count: 40, sleepMs: 3, failureRate: 0.25, payloadBytes: 16 });
    const s = await waitFor(() => (gen.get().running ? undefined : gen.get()), 'generator to finish', 20_000);
    expect(s).toMatchObject({ sent: 40, succeeded: 30, failed: 10, rejected: 0 });
    expect(sentData[0]).toEqual({ sleep_ms: 3, fail: true, payload: 'x'.repeat(16) });
    expect(sentData[1]).toMatchObject({ fail: false });
  });

  it('stopLoad stops an endless run', async () => {
    await cp.handlers.startLoad({ rate: 50, count: 0, sleepMs: 0, failureRate: 0, payloadBytes: 0 });
    await waitFor(async () => (await cp.handlers.getLoadStatus({})).sent >= 3, 'some messages sent', 10_000);
    const stopped = await cp.handlers.stopLoad({});
    expect(stopped.running).toBe(false);
    expect(stopped.stoppedAt).toBeDefined();
    const sent = stopped.sent;
    await sleep(300);
    expect((await cp.handlers.getLoadStatus({})).sent).toBe(sent);
  });

  it('samples carry throughput and per-worker figures under load and land in the history', async () => {
    const samples: MetricsSample[] = [];
    const off = cp.on('metrics.sample', (s) => samples.push(s));
    await cp.handlers.startLoad({ rate: 300, count: 300, sleepMs: 2, failureRate: 0, payloadBytes: 0 });
    const busy = await waitFor(() => samples.find((s) => s.throughput > 0 && s.workers.some((w) => w.messages > 0)), 'a busy sample', 15_000);
    await waitFor(async () => !(await cp.handlers.getLoadStatus({})).running, 'load to finish', 20_000);
    off();
    expect(busy.total).toBeGreaterThanOrEqual(1);
    expect(busy.queueCapacity).toBe(100);
    expect(busy.workers[0]).toEqual(expect.objectContaining({ id: expect.stringMatching(/^w-/), rssBytes: expect.any(Number) }));
    const h = await cp.handlers.getMetricsHistory({ rangeMs: 3_600_000 });
    expect(h.resolutionMs).toBe(1_000);
    expect(h.samples.some((s) => s.throughput > 0)).toBe(true);
    const capped = await cp.handlers.getMetricsHistory({ rangeMs: 3_600_000, maxPoints: 10 });
    expect(capped.samples.length).toBeLessThanOrEqual(10);
  });

  it('a threshold set low raises an alert under real load; set back, it clears', async () => {
    const raised: Alert[] = [];
    const cleared: Alert[] = [];
    const offs = [cp.on('alert.raised', (a) => raised.push(a)), cp.on('alert.cleared', (a) => cleared.push(a))];
    await cp.handlers.updateConfig({ patch: { alerts: { avgResponseTimeMs: 1, raiseAfterSamples: 2 } } });
    await cp.handlers.startLoad({ rate: 100, count: 0, sleepMs: 20, failureRate: 0, payloadBytes: 0 });
    const alert = await waitFor(() => raised.find((a) => a.kind === 'avgResponseTime'), 'avgResponseTime alert', 15_000);
    expect(alert).toMatchObject({ severity: 'critical', threshold: 1 });
    expect(alert.value).toBeGreaterThan(1);
    expect((await cp.handlers.getAlerts({})).active.map((a) => a.id)).toContain('avgResponseTime');
    await cp.handlers.updateConfig({ patch: { alerts: { avgResponseTimeMs: 5_000, raiseAfterSamples: 2 } } });
    await waitFor(() => cleared.find((a) => a.kind === 'avgResponseTime'), 'alert to clear', 15_000);
    await cp.handlers.stopLoad({});
    offs.forEach((off) => off());
    const view = await cp.handlers.getAlerts({});
    expect(view.active.some((a) => a.id === 'avgResponseTime')).toBe(false);
    expect(view.history.find((a) => a.id === 'avgResponseTime')?.clearedAt).toBeDefined();
    const logged = await cp.handlers.getEvents({ level: 'warn' });
    expect(logged.some((e) => e.type === 'alert.raised')).toBe(true);
  });
});

describe('event log and snapshot', () => {
  it('filters events by worker and level', async () => {
    const all = await cp.handlers.getEvents({ limit: 5_000 });
    expect(all.some((e) => e.type === 'worker.started')).toBe(true);
    const id = all.find((e) => e.type === 'worker.started')!.workerId!;
    const mine = await cp.handlers.getEvents({ workerId: id });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.workerId === id)).toBe(true);
    const warn = await cp.handlers.getEvents({ level: 'warn' });
    expect(warn.every((e) => e.level === 'warn' || e.level === 'error')).toBe(true);
    const last = all.at(-1)!.seq;
    cp.recordExternalTask({ source: 'a2a', ok: false, latencyMs: 12.3, workerId: id, message: 'agent raised' });
    const tail = await cp.handlers.getEvents({ afterSeq: last });
    expect(tail.some((e) => e.type === 'a2a.request' && e.level === 'warn' && e.message.includes('agent raised'))).toBe(true);
  });

  it('exports a JSON snapshot with config, stats, history and alerts', async () => {
    const file = await cp.handlers.exportSnapshot({ format: 'json' });
    expect(file.filename).toMatch(/^greenlet-snapshot-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    expect(file.mimeType).toBe('application/json');
    const snap = JSON.parse(file.content);
    expect(Object.keys(snap).sort()).toEqual([
      'alerts',
      'app',
      'config',
      'detailedStats',
      'exportedAt',
      'history',
      'historyRangeMs',
      'operatorTrail',
      'stats',
    ]);
    expect(snap.config).toEqual(cp.getConfig());
    expect(snap.historyRangeMs).toBe(3_600_000);
    expect(snap.history.samples.length).toBeGreaterThan(0);
    expect(snap.detailedStats.workers.length).toBeGreaterThan(0);
    expect(snap.stats.workers).toBeUndefined();
    expect(snap.alerts.history.some((a: Alert) => a.id === 'avgResponseTime')).toBe(true);
    expect(snap.app.version).toBe('9.9.9-test');
  });

  it('exports the history as CSV: a header and one row per sample', async () => {
    const file = await cp.handlers.exportSnapshot({ format: 'csv', rangeMs: 600_000 });
    expect(file.filename).toMatch(/\.csv$/);
    const lines = file.content.trim().split('\n');
    expect(lines[0]!.split(',')).toEqual(expect.arrayContaining(['time', 'throughput', 'errorRate', 'p99LatencyMs', 'queueDepth', 'healthy']));
    const history = await cp.handlers.getMetricsHistory({ rangeMs: 600_000 });
    expect(Math.abs(lines.length - 1 - history.samples.length)).toBeLessThanOrEqual(1); // a sample may land in between
    expect(lines[1]!.split(',')).toHaveLength(lines[0]!.split(',').length);
  });
});

describe('python environment methods', () => {
  it('checkPythonEnv reports the interpreter the workers use, with greenlet and gevent', async () => {
    const r = await cp.handlers.checkPythonEnv({});
    expect(r.ok).toBe(true);
    expect(r.greenletVersion).toMatch(/^\d+\./);
    expect(r.geventVersion).toMatch(/^\d+\./);
  });

  it('checkPythonEnv refuses an interpreter off the allow-list by name (interpreter-guard.test.ts has the rest)', async () => {
    await expect(cp.handlers.checkPythonEnv({ pythonPath: '/nonexistent/bin/python3' })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [{ path: 'pythonPath', message: expect.stringContaining('/nonexistent/bin/python3') }],
    });
  });

  it('validateAgent loads a good agent and returns the real Python error for a bad one', async () => {
    const good = await cp.handlers.validateAgent({ agent: 'echo_agent:EchoAgent', pythonPaths: [] });
    expect(good).toMatchObject({ ok: true, agentId: 'echo', capabilities: ['echo'] });
    const bad = await cp.handlers.validateAgent({ agent: 'bad_import_agent:BadImportAgent', pythonPaths: [] });
    expect(bad.ok).toBe(false);
    expect(bad.errorText).toContain('greenlet_a2a_missing_dependency');
  });
});
