// The tuning assistant on real Python workers: experiments run on throw-away
// pools beside the live one, which keeps its workers and its counts.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Experiment, ExperimentSpec } from '../../../common/contract';
import { defaultConfig, type AppConfig } from '../../../common/schemas';
import { validateConfig, mergePatch } from '../config/config-store';
import type { ControlPlane } from '../index';
import { toPoolOptions } from '../config/pool-options';
import { createPlane, tempDir } from '../test-support/plane';
import type { TrafficRecord } from '../../pool/index';
import { emptyFigures } from './plan';
import { TuningService } from './service';
import { processAlive } from './step';
import { rejection, waitFor } from '../../../common/test-support/wait';

const dirs: string[] = [];
const planes: ControlPlane[] = [];
const services: TuningService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const p of planes.splice(0)) await p.stop();
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

const spec = (over: Partial<ExperimentSpec> = {}): ExperimentSpec => ({
  vary: [{ setting: 'workers', values: [1, 2] }],
  load: { rate: 200, sleepMs: 5, cpuMs: 0, failureRate: 0, payloadBytes: 0, replay: false, replayMultiple: 1 },
  warmupMs: 300,
  measureMs: 1_000,
  rounds: 1,
  mode: 'fixed',
  ...over,
});

async function plane(): Promise<ControlPlane> {
  const dir = await tempDir();
  dirs.push(dir);
  const cp = await createPlane(dir); // live pool: 1..2 workers, running 1
  planes.push(cp);
  return cp;
}

function config(pool: Record<string, unknown>): AppConfig {
  const v = validateConfig(mergePatch(defaultConfig(), { pool }));
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.config;
}

async function service(pool: Record<string, unknown>, onPids?: (pids: number[]) => void, traffic?: () => TrafficRecord[]) {
  const dir = await tempDir();
  dirs.push(dir);
  const c = config(pool);
  const events: Experiment[] = [];
  const s = new TuningService({
    config: () => c,
    poolOptions: (cc) => toPoolOptions(cc, { dataDir: dir }),
    liveWorkers: () => 1,
    emit: (e) => events.push(e),
    now: Date.now,
    onPids,
    traffic,
  });
  services.push(s);
  return { s, events };
}

const finished = async (cp: ControlPlane, id: string) =>
  waitFor(async () => (await cp.handlers.listExperiments({})).find((e) => e.id === id && e.status !== 'running'), 'the experiment to end', 60_000);

describe('tuning experiments', () => {
  it('says when experiments cannot be kept on disk, and keeps them in memory', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    await fs.writeFile(path.join(dir, 'not-a-dir'), 'x'); // a data "dir" under a regular file: no write can succeed
    const warnings: string[] = [];
    const c = config({});
    const s = new TuningService({
      config: () => c,
      poolOptions: (cc) => toPoolOptions(cc, { dataDir: dir }),
      liveWorkers: () => 1,
      emit: () => undefined,
      now: Date.now,
      file: path.join(dir, 'not-a-dir', 'tuning.json'),
      warn: (m) => warnings.push(m),
    });
    services.push(s);
    const exp = s.start(spec({ vary: [{ setting: 'workers', values: [1] }], measureMs: 60_000 }));
    await s.cancel(exp.id);
    await waitFor(() => warnings.length > 0, 'the save warning', 10_000);
    expect(warnings[0]).toContain('tuning experiments not saved to');
    expect(warnings[0]).toContain('tuning.json');
    expect(s.list().map((e) => e.id)).toEqual([exp.id]);
  });

  it('varying workers 1→2 measures two steps on throw-away pools and leaves the live pool alone', async () => {
    const cp = await plane();
    const before = cp.getPool().getDetailedStats();
    const progress: Experiment[] = [];
    cp.on('tuning.progress', (e) => progress.push(e));

    const started = await cp.handlers.startExperiment({ spec: spec() });
    expect(started.status).toBe('running');
    const exp = await finished(cp, started.id);

    expect(exp.status).toBe('done');
    expect(exp.steps.map((s) => s.settings.workers)).toEqual([1, 2]);
    expect(exp.steps[0]!.baseline).toBe(true); // the live pool runs 1 worker: today's setting is a step
    for (const s of exp.steps) {
      expect(s.status).toBe('done');
      expect(s.throughput).toBeGreaterThan(0);
      expect(s.messages).toBeGreaterThan(0);
      expect(s.p50Ms).toBeGreaterThan(0);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p95Ms);
      expect(s.p95Ms).toBeGreaterThanOrEqual(s.p50Ms);
      expect(s.rssBytes).toBeGreaterThan(1_000_000);
      expect(s.errorRate).toBe(0);
    }
    expect(exp.recommendation?.reason).toMatch(/msg\/s/);
    // progress arrived as each step ran and finished
    expect(progress.some((e) => e.steps[1]!.status === 'running' && e.steps[0]!.status === 'done')).toBe(true);
    expect(progress.at(-1)!.status).toBe('done');

    const after = cp.getPool().getDetailedStats();
    expect(after.totalMessagesProcessed).toBe(before.totalMessagesProcessed);
    expect(after.workers.map((w) => [w.id, w.pid])).toEqual(before.workers.map((w) => [w.id, w.pid]));
    expect(cp.getConfig().pool.minWorkers).toBe(1);

    const html = (await cp.handlers.exportExperiment({ id: exp.id, format: 'html' })).content;
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script/i);
    const csv = (await cp.handlers.exportExperiment({ id: exp.id, format: 'csv' })).content.trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^step,round,workers,baseline,status,target,throughput/);
    expect(exp.liveCost?.during.samples).toBeGreaterThan(0); // the live pool's figures while the steps ran
  }, 90_000);

  it('cancel stops the throw-away pool at once and leaves no worker process behind', async () => {
    const pids: number[] = [];
    const { s, events } = await service({ minWorkers: 1, maxWorkers: 2 }, (p) => pids.push(...p));
    const exp = s.start(spec({ vary: [{ setting: 'workers', values: [2, 1] }], measureMs: 120_000 }));
    await waitFor(() => pids.length >= 2, 'the step pool to start', 30_000);
    expect(pids.every(processAlive)).toBe(true);

    const cancelled = await s.cancel(exp.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps.map((st) => st.status)).toEqual(['cancelled', 'cancelled']); // 2 workers (running), then 1 (never started)
    expect(pids.filter(processAlive)).toEqual([]);
    expect(events.at(-1)!.status).toBe('cancelled');
  }, 60_000);

  it('a step whose agent cannot start ends the experiment with the real Python error', async () => {
    const { s } = await service({ minWorkers: 1, maxWorkers: 1, agent: 'bad_import_agent:BadImportAgent', maxRetries: 0 });
    const exp = s.start(spec());
    await waitFor(() => s.list()[0]!.status !== 'running', 'the experiment to end', 30_000);
    const done = s.list().find((e) => e.id === exp.id)!;
    expect(done.status).toBe('failed');
    expect(done.error?.message).toContain("No module named 'greenlet_a2a_missing_dependency'");
    expect(done.steps[0]!.status).toBe('failed');
    expect(done.steps[1]!.status).toBe('cancelled');
    expect(done.recommendation).toBeUndefined();
  }, 60_000);

  it('refuses a value the config would refuse, naming the setting, before any pool starts', async () => {
    const { s } = await service({ minWorkers: 1, maxWorkers: 2 });
    const err = await rejection(Promise.resolve().then(() => s.start(spec({ vary: [{ setting: 'concurrencyPerWorker', values: [10, 0] }] }))));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues).toEqual([
      expect.objectContaining({ path: 'spec.vary.0.values', message: expect.stringContaining('pool.concurrencyPerWorker') }),
    ]);
    expect(s.list()).toEqual([]);
  });

  it("replays the live pool's recent traffic as shapes (sizes, run times), never its contents", async () => {
    const cp = await plane();
    for (let i = 0; i < 30; i++) await cp.handlers.submitTask({ data: { sleep_ms: 5, secret: 'TOP-SECRET-CONTENT' } });
    const seen: unknown[] = [];
    cp.on('tuning.progress', (e) => seen.push(e));
    const started = await cp.handlers.startExperiment({
      spec: { ...spec({ vary: [{ setting: 'workers', values: [1] }] }), load: { ...spec().load, replay: true } },
    });
    expect(started.replay?.messages).toBeGreaterThanOrEqual(30);
    expect(started.replay?.meanRunMs).toBeGreaterThanOrEqual(5);
    const exp = await finished(cp, started.id);
    expect(exp.status).toBe('done');
    expect(exp.steps[0]!.throughput).toBeGreaterThan(0);
    expect(exp.steps[0]!.p50Ms).toBeGreaterThanOrEqual(5); // each replayed message waits its recorded run time
    const json = (await cp.handlers.exportExperiment({ id: exp.id, format: 'json' })).content;
    expect(json + JSON.stringify(seen)).not.toContain('TOP-SECRET');
  }, 90_000);

  it('refuses a replay when no traffic was recorded, naming the field', async () => {
    const { s } = await service({ minWorkers: 1, maxWorkers: 2 });
    const err = await rejection(Promise.resolve().then(() => s.start({ ...spec(), load: { ...spec().load, replay: true } })));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues?.[0]?.path).toBe('spec.load.replay');
  });

  it('keeps experiments across restarts; one the app stopped mid-run comes back cancelled', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'tuning.json');
    const step = {
      index: 0,
      group: 0,
      round: 0,
      target: 200,
      settings: { workers: 1 },
      baseline: true,
      status: 'running',
      ...emptyFigures,
    };
    await fs.writeFile(
      file,
      JSON.stringify({
        experiments: [
          {
            id: 'a1',
            name: 'x',
            createdAt: 1,
            status: 'running',
            spec: spec(),
            current: { workers: 1 },
            steps: [step, { ...step, index: 1, status: 'pending' }],
          },
        ],
      }),
    );
    const c = config({});
    const s = new TuningService({ config: () => c, poolOptions: () => ({}), liveWorkers: () => 1, emit: () => undefined, now: Date.now, file });
    await s.load();
    const [exp] = s.list();
    expect(exp).toMatchObject({ id: 'a1', status: 'cancelled' });
    expect(exp!.steps.map((st) => st.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('runs one experiment at a time', async () => {
    const { s } = await service({ minWorkers: 1, maxWorkers: 2 });
    s.start(spec({ measureMs: 60_000 }));
    const err = await rejection(Promise.resolve().then(() => s.start(spec())));
    expect(err.code).toBe('ERR_CONFLICT');
  }, 30_000);
});
