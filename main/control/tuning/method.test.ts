// The method (docs/tuning.md) on real Python workers: what "keeps up" means,
// which step is recommended, the "try more" hint, and what a window counts.
// Small loads: 1 worker, tens of messages per second.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentSpecSchema, type Experiment, type ExperimentSpec } from '../../../common/contract';
import { defaultConfig } from '../../../common/schemas';
import type { TrafficRecord } from '../../pool/index';
import { mergePatch, validateConfig } from '../config/config-store';
import { toPoolOptions } from '../config/pool-options';
import { createPlane, tempDir } from '../test-support/plane';
import { TuningService } from './service';
import { rejection, waitFor } from '../../../common/test-support/wait';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

const load = { rate: 64, sleepMs: 50, cpuMs: 0, failureRate: 0, payloadBytes: 0, replay: false, replayMultiple: 1 };

/** A tuning service on a fresh data dir, its pool 1 worker unless `pool` says otherwise. */
async function service(pool: Record<string, unknown>, traffic?: TrafficRecord[]): Promise<TuningService> {
  const dir = await tempDir();
  dirs.push(dir);
  const v = validateConfig(mergePatch(defaultConfig(), { pool: { minWorkers: 1, maxWorkers: 1, ...pool } }));
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return new TuningService({
    config: () => v.config,
    poolOptions: (c) => toPoolOptions(c, { dataDir: dir }),
    liveWorkers: () => 1,
    emit: () => undefined,
    now: Date.now,
    traffic: traffic && (() => traffic),
  });
}

async function run(pool: Record<string, unknown>, spec: ExperimentSpec, traffic?: TrafficRecord[]): Promise<Experiment> {
  const s = await service(pool, traffic);
  const started = s.start(spec);
  return waitFor(() => s.list().find((e) => e.id === started.id && e.status !== 'running'), 'the experiment to end', 120_000);
}

const at = (t: number, runMs: number): TrafficRecord => ({ t, bytes: 30, runMs, outcome: 'ok' });

// Bursts of 12 messages of 50 ms every 250 ms (48 msg/s), replayed: 4 at once answer a burst in
// three waves (p99 ≈ 150 ms) and keep up (80 msg/s); 32 at once answer it in one (p99 ≈ 50 ms);
// 1 at a time cannot (20 msg/s). A smooth synthetic load would queue too little to tell 4 from 32.
const bursts = Array.from({ length: 120 }, (_, i) => at(Math.floor(i / 12) * (2_479 / 9), 50));

describe('bursts of 48 msg/s of 50 ms tasks on one worker: concurrency 1 (20 msg/s), today 4 (80 msg/s) and 32', () => {
  let exp: Experiment;
  beforeAll(async () => {
    const spec: ExperimentSpec = {
      vary: [{ setting: 'concurrencyPerWorker', values: [1, 4, 32] }],
      load: { ...load, replay: true },
      warmupMs: 300,
      measureMs: 1_500,
      rounds: 2,
      mode: 'fixed',
    };
    exp = await run({ concurrencyPerWorker: 4 }, spec, bursts);
    expect(exp.status).toBe('done');
  }, 150_000);

  it('marks the step that falls behind "did not keep up" and never recommends it', () => {
    const c1 = exp.points!.find((p) => p.settings.concurrencyPerWorker === 1)!;
    expect(c1.keptUp).toBe(false);
    expect(c1.behind).toMatch(/backlog grew|answered|rejected|offered only/);
    expect(exp.recommendation!.patch.pool.concurrencyPerWorker).not.toBe(1);
  });

  it('recommends the step with clearly lower p99, not today, though both answer the same rate', () => {
    const [c4, c32] = [4, 32].map((c) => exp.points!.find((p) => p.settings.concurrencyPerWorker === c)!);
    expect(c4!.baseline && c4!.keptUp && c32!.keptUp).toBe(true);
    expect(c32!.p99Ms.max).toBeLessThan(c4!.p99Ms.min); // the spreads do not overlap
    expect(exp.recommendation!.patch).toEqual({ pool: { concurrencyPerWorker: 32 } });
    expect(exp.recommendation!.reason).toMatch(/^32 per worker: keeps up at 48 msg\/s with the lowest p99/);
  });

  it('a best value at the edge of the tried range says so and proposes the next values', () => {
    expect(exp.recommendation!.hint).toMatch(/^32 is the largest concurrency per worker tried; the best may lie beyond: try 128, 512/);
  });

  it('no window reports more answered than offered', () => {
    for (const s of exp.steps) expect(s.throughput).toBeLessThanOrEqual(s.offered);
  });
});

describe('replay', () => {
  it('a window after a warm-up backlog counts only its own arrivals: never more than offered', async () => {
    // one 800 ms message first holds the only slot; 40 msg/s queue behind it and drain at 100 msg/s inside the window
    const traffic = [at(0, 800), ...Array.from({ length: 79 }, (_, i) => at(25 * (i + 1), 10))];
    const exp = await run(
      { concurrencyPerWorker: 1 },
      {
        vary: [{ setting: 'concurrencyPerWorker', values: [1] }],
        load: { ...load, replay: true },
        warmupMs: 300,
        measureMs: 1_000,
        rounds: 1,
        mode: 'fixed',
      },
      traffic,
    );
    const [step] = exp.steps;
    expect(step!.status).toBe('done');
    expect(step!.offered).toBeGreaterThan(0);
    expect(step!.throughput).toBeLessThanOrEqual(step!.offered);
  }, 60_000);

  it("offers the recorded rate, though the window is shorter than the recording's pause", async () => {
    const traffic = [...Array.from({ length: 40 }, () => at(0, 5)), ...Array.from({ length: 40 }, () => at(4_000, 5))]; // 19.75 msg/s recorded
    const exp = await run(
      { concurrencyPerWorker: 32 },
      {
        vary: [{ setting: 'concurrencyPerWorker', values: [32] }],
        load: { ...load, replay: true },
        warmupMs: 300,
        measureMs: 2_000,
        rounds: 1,
        mode: 'fixed',
      },
      traffic,
    );
    const [step] = exp.steps;
    expect(step!.offered / exp.replay!.rate).toBeGreaterThan(0.8); // raw gaps offered nothing inside this window
    expect(step!.offered / exp.replay!.rate).toBeLessThan(1.2);
  }, 60_000);

  it('offers the recorded rate times the stated multiple, though the recording is bursts and a pause', async () => {
    const traffic = [...Array.from({ length: 40 }, () => at(0, 5)), ...Array.from({ length: 40 }, () => at(1_500, 5))]; // 52.7 msg/s recorded
    const exp = await run(
      { concurrencyPerWorker: 32 },
      {
        vary: [{ setting: 'concurrencyPerWorker', values: [32] }],
        load: { ...load, replay: true, replayMultiple: 1.5 },
        warmupMs: 300,
        measureMs: 3_000,
        rounds: 1,
        mode: 'fixed',
      },
      traffic,
    );
    const [step] = exp.steps;
    expect(exp.replay!.rate).toBeCloseTo(52.7, 1);
    expect(step!.target).toBeCloseTo(79, 0);
    expect(step!.offered / step!.target).toBeGreaterThan(0.85);
    expect(step!.offered / step!.target).toBeLessThan(1.15);
  }, 60_000);
});

describe('shapes that cannot fit', () => {
  it('refuses an experiment whose outstanding payloads could exhaust the heap, naming the field, before any pool starts', async () => {
    const s = await service({ maxWorkers: 8 });
    const spec: ExperimentSpec = {
      vary: [
        { setting: 'workers', values: [8] },
        { setting: 'concurrencyPerWorker', values: [100_000] },
      ],
      load: { ...load, payloadBytes: 1_000_000 },
      warmupMs: 0,
      measureMs: 500,
      rounds: 1,
      mode: 'fixed',
    };
    const err = await rejection(Promise.resolve().then(() => s.start(spec)));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues?.[0]?.path).toBe('spec.load.payloadBytes');
    expect(err.issues?.[0]?.message).toMatch(/80\d,\d{3} messages of 1,000,000 B outstanding/);
    expect(s.list()).toEqual([]);
  });

  it('refuses an experiment longer than its time bound, and a capacity run without a p99 budget, naming the field', async () => {
    const s = await service({ maxWorkers: 2 });
    const long: ExperimentSpec = {
      vary: [{ setting: 'workers', values: [1, 2, 3, 4] }],
      load,
      warmupMs: 1_000,
      measureMs: 300_000,
      rounds: 5,
      mode: 'fixed',
    };
    const err = await rejection(Promise.resolve().then(() => s.start(long)));
    expect(err.issues?.[0]).toMatchObject({
      path: 'spec.measureMs',
      message: expect.stringMatching(/^20 steps × ~307\.0 s ≈ 102 min; at most 30 min/),
    });
    const capacity = experimentSpecSchema.safeParse({ vary: [{ setting: 'workers', values: [1, 2] }], load: { rate: 50 }, mode: 'capacity' });
    expect(capacity.success).toBe(false);
    expect(capacity.error?.issues[0]?.path).toEqual(['p99BudgetMs']);
  });

  it('refuses a live load whose outstanding payloads could exhaust the heap, naming the field', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const cp = await createPlane(dir, { pool: { minWorkers: 1, maxWorkers: 8, concurrencyPerWorker: 100_000, healthCheckInterval: 5_000 } });
    try {
      const err = await rejection(cp.handlers.startLoad({ rate: 1_000, count: 0, sleepMs: 0, failureRate: 0, payloadBytes: 1_000_000 }));
      expect(err.code).toBe('ERR_VALIDATION');
      expect(err.issues?.[0]?.path).toBe('payloadBytes');
      expect((await cp.handlers.getLoadStatus({})).running).toBe(false);
    } finally {
      await cp.stop();
    }
  }, 30_000);
});
