// The operator's trail: load runs, experiments, config applied and refused, recycles —
// each with the door it came through — in the event log and the JSON export. Requests go
// through the real headless server (HTTP door) and the desktop door's handlers, to a real
// pool of Python workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../common/contract';
import { post, startHeadless } from '../../headless/test-helpers';
import { waitFor } from '../../../common/test-support/wait';

let h: Awaited<ReturnType<typeof startHeadless>>;
const trail = async (type: LogEvent['type']) => (await h.cp.handlers.getEvents({ limit: 5_000 })).filter((e) => e.type === type);

beforeAll(async () => {
  h = await startHeadless();
}, 60_000);
afterAll(async () => {
  await h?.cleanup();
});

describe('operator trail', () => {
  it('a load run over HTTP logs its start with the door and, once every message has its outcome, a summary whose counts add up', async () => {
    expect((await post(h.base, 'startLoad', { rate: 200, count: 30, sleepMs: 1, failureRate: 0.2 })).status).toBe(200);
    const summary = await waitFor(async () => (await trail('load.run')).find((e) => e.data?.phase === 'summary'), 'load summary', 20_000);
    const start = (await trail('load.run')).find((e) => e.data?.phase === 'start')!;
    expect(start.data).toMatchObject({ door: 'http', spec: { rate: 200, count: 30 } });
    expect(start.message).toMatch(/Load run started: 200 msg\/s, 30 messages.* via the HTTP API/);
    const d = summary.data as { sent: number; succeeded: number; failed: number; rejected: number };
    expect(d.sent).toBe(30);
    expect(d.succeeded + d.failed + d.rejected).toBe(30);
    expect(summary.message).toContain(`${d.succeeded} answered, ${d.failed} failed, ${d.rejected} rejected`);
  }, 40_000);

  it('config applied and refused name the fields and the door; nothing of a refused patch is applied', async () => {
    const desktop = h.cp.handlersFor('desktop');
    await expect(desktop.updateConfig({ patch: { pool: { maxRetries: 2, maxWorkers: 0 } } })).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    const refused = (await trail('config.refused')).at(-1)!;
    expect(refused.data).toMatchObject({ door: 'desktop', fields: ['pool.maxWorkers'] });
    expect(refused.message).toMatch(/Settings refused via the desktop app: pool\.maxWorkers/);
    expect((await h.cp.handlers.getConfig({})).pool.maxRetries).not.toBe(2);
    expect((await post(h.base, 'updateConfig', { patch: { alerts: { queueFillPct: 77 } } })).status).toBe(200);
    const applied = (await trail('config.changed')).at(-1)!;
    expect(applied.data).toMatchObject({ door: 'http', applied: ['alerts.queueFillPct'] });
  });

  it('recycles asked for are logged with the worker and the door', async () => {
    const w = (await h.cp.handlers.getDetailedStats({})).workers[0]!.id;
    expect((await post(h.base, 'recycleWorker', { workerId: w })).status).toBe(200);
    const asked = (await trail('recycle.requested')).at(-1)!;
    expect(asked.data).toMatchObject({ workerId: w, door: 'http' });
    expect(asked.message).toBe(`Recycle of worker ${w} asked for via the HTTP API`);
  }, 30_000);

  it('an experiment logs its start and its result, and the JSON export carries the trail', async () => {
    const spec = { vary: [{ setting: 'workers', values: [1] }], load: { rate: 5 }, warmupMs: 0, measureMs: 500 };
    const started = await post(h.base, 'startExperiment', { spec });
    expect(started.status).toBe(200);
    const result = await waitFor(async () => (await trail('experiment')).find((e) => e.data?.phase === 'result'), 'experiment result', 30_000);
    expect(result.data).toMatchObject({ id: started.body.id, status: 'done' });
    expect((await trail('experiment')).find((e) => e.data?.phase === 'start')?.data).toMatchObject({ door: 'http', id: started.body.id });
    const file = await post(h.base, 'exportSnapshot', { format: 'json' });
    const exported = JSON.parse(file.body.content as string) as { operatorTrail: LogEvent[] };
    expect(new Set(exported.operatorTrail.map((e) => e.type))).toEqual(
      new Set(['load.run', 'config.refused', 'config.changed', 'recycle.requested', 'experiment']),
    );
  }, 60_000);
});
