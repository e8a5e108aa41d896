// The tuning assistant's service: runs one experiment at a time, step after
// step, each on its own throw-away pool; reports progress as events; keeps
// the last experiments (bounded, saved in the data directory); exports them.
// The live pool is only read (its current worker count) — never changed here:
// a recommendation is applied by the operator through previewConfig/updateConfig.
import { randomUUID } from 'node:crypto';
import type { MetricsSample, SnapshotFile } from '../../../common/contract';
import type { AppConfig } from '../../../common/schemas';
import type { Experiment, ExperimentSpec, TuningStep } from '../../../common/tuning';
import { stepLabel } from '../../../common/tuning-series';
import type { PoolOptions, TrafficRecord } from '../../pool/index';
import { ApiError, validationError } from '../api-error';
import { readFileIfExists, writeFileAtomic } from '../config/atomic-file';
import { passes } from './capacity';
import { liveCost } from './live-cost';
import { loadFits, timeIssue } from './limits';
import { planSteps } from './plan';
import { pointsOf } from '../../../common/tuning-points';
import { recommend } from './recommend';
import { experimentFile, type ReportFormat } from './report';
import { checkValues, currentValues, currentWorkers, stepGrid, stepOptions } from './settings';
import { runStep, type StepRun } from './step';
import { summarize } from './traffic-log';

export const MAX_EXPERIMENTS = 20;
export const MIN_REPLAY = 10;

export interface TuningDeps {
  config: () => AppConfig;
  poolOptions: (config: AppConfig) => Partial<PoolOptions>;
  liveWorkers: () => number;
  /** the live pool's recent traffic shapes (for load.replay) */
  traffic?: () => TrafficRecord[];
  emit: (exp: Experiment) => void;
  now: () => number;
  file?: string; // where experiments are kept between runs
  onPids?: StepRun['onPids'];
  /** told when experiments could not be written to `file` (they stay in memory) */
  warn?: (message: string) => void;
  /** the live pool's metrics samples between two times (its cost of an experiment) */
  liveSamples?: (from: number, to: number) => MetricsSample[];
}

/** An experiment the app stopped in the middle of: it and its unfinished steps end as cancelled. */
/** An experiment kept before rounds and the keep-up method: one round, one group per step, judged by nothing. */
const upgrade = (e: Experiment): Experiment => ({
  ...e,
  spec: {
    ...e.spec,
    rounds: e.spec.rounds ?? 1,
    mode: e.spec.mode ?? 'fixed',
    load: { ...e.spec.load, replayMultiple: e.spec.load.replayMultiple ?? 1 },
  },
  steps: e.steps.map((s) => ({
    ...s,
    group: s.group ?? s.index,
    round: s.round ?? 0,
    target: s.target ?? e.spec.load.rate,
    answered: s.answered ?? 0,
    backlogGrowth: s.backlogGrowth ?? 0,
    keptUp: s.keptUp ?? false,
  })),
});

const interrupted = (e: Experiment): Experiment => ({
  ...e,
  status: 'cancelled',
  steps: e.steps.map((s) => (s.status === 'running' || s.status === 'pending' ? { ...s, status: 'cancelled' } : s)),
});

export class TuningService {
  private experiments: Experiment[] = []; // newest first
  private active: { exp: Experiment; abort: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly deps: TuningDeps) {}

  /** Validates the spec against the config, then runs in the background; returns the experiment as started. */
  start(spec: ExperimentSpec): Experiment {
    if (this.active)
      throw new ApiError('ERR_CONFLICT', `Experiment "${this.active.exp.name}" is still running; cancel it or wait for it to end`, undefined, {
        id: this.active.exp.id,
      });
    const config = this.deps.config();
    const issues = checkValues(spec, config);
    if (issues.length) throw validationError(issues);
    const traffic = spec.load.replay ? (this.deps.traffic?.() ?? []) : undefined;
    if (traffic && traffic.length < MIN_REPLAY)
      throw validationError([
        { path: 'spec.load.replay', message: `needs recorded traffic: ${traffic.length} messages in the last 10 minutes, at least ${MIN_REPLAY}` },
      ]);
    const liveWorkers = this.deps.liveWorkers();
    const current = currentValues(spec, config, liveWorkers);
    const replay = traffic ? summarize(traffic) : undefined;
    const steps: TuningStep[] = planSteps(spec, current, replay ? replay.rate * spec.load.replayMultiple : undefined);
    const base = this.deps.poolOptions(config);
    const workers = currentWorkers(config, liveWorkers);
    const shapeIssues = this.checkShapes(spec, current, base, workers, traffic);
    const time = timeIssue(spec, steps.length);
    if (shapeIssues.length || time) throw validationError([...shapeIssues, ...(time ? [time] : [])]);
    const createdAt = this.deps.now();
    const exp: Experiment = {
      id: randomUUID().slice(0, 8),
      name: spec.name?.trim() || `Experiment ${new Date(createdAt).toISOString().slice(0, 16).replace('T', ' ')}`,
      createdAt,
      status: 'running',
      spec,
      current,
      steps,
    };
    if (replay) exp.replay = replay;
    this.experiments = [exp, ...this.experiments].slice(0, MAX_EXPERIMENTS);
    const abort = new AbortController();
    const done = this.run(exp, config, base, workers, traffic, abort.signal).finally(() => {
      this.active = undefined;
      void this.save();
    });
    this.active = { exp, abort, done };
    this.emit(exp);
    return this.copy(exp);
  }

  /** Stops the running step's pool at once; the experiment ends as cancelled. */
  async cancel(id: string): Promise<Experiment> {
    const exp = this.find(id);
    if (this.active?.exp === exp) {
      this.active.abort.abort();
      await this.active.done;
    }
    return this.copy(exp);
  }

  list(): Experiment[] {
    return this.experiments.map((e) => this.copy(e));
  }

  export(id: string, format: ReportFormat): SnapshotFile {
    return experimentFile(this.find(id), format, this.deps.now());
  }

  /** App shutdown: cancel what runs, keep what was measured. */
  async stop(): Promise<void> {
    if (this.active) {
      this.active.abort.abort();
      await this.active.done;
    }
  }

  async load(): Promise<void> {
    if (!this.deps.file) return;
    const text = await readFileIfExists(this.deps.file);
    if (!text) return;
    try {
      const saved = JSON.parse(text) as { experiments?: Experiment[] };
      // one that was running when the app stopped did not finish
      this.experiments = (saved.experiments ?? [])
        .slice(0, MAX_EXPERIMENTS)
        .map(upgrade)
        .map((e) => (e.status === 'running' ? interrupted(e) : e));
    } catch {
      // kept experiments are a convenience; a damaged file starts an empty list
    }
  }

  private async save(): Promise<void> {
    if (!this.deps.file) return;
    const file = this.deps.file;
    await writeFileAtomic(file, JSON.stringify({ experiments: this.experiments })).catch((err: unknown) => {
      // Measured figures are still here to see and export; only the copy kept across restarts is missing.
      this.deps.warn?.(`tuning experiments not saved to ${file}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Every step's worst case of outstanding bytes must fit (limits.ts); the first one that cannot is named. */
  private checkShapes(spec: ExperimentSpec, current: TuningStep['settings'], base: Partial<PoolOptions>, workers: number, traffic?: TrafficRecord[]) {
    const bytes = traffic ? Math.max(0, ...traffic.map((r) => r.bytes)) : spec.load.payloadBytes;
    const path = traffic ? 'spec.load.replay' : 'spec.load.payloadBytes';
    for (const g of stepGrid(spec, current)) {
      const o = stepOptions(g.settings, base, workers);
      const issue = loadFits(
        { messageQueueSize: o.messageQueueSize ?? 0, maxWorkers: o.maxWorkers ?? 1, concurrencyPerWorker: o.concurrencyPerWorker ?? 1 },
        bytes,
        path,
        `The step ${stepLabel(g.settings)}`,
      );
      if (issue) return [issue];
    }
    return [];
  }

  private find(id: string): Experiment {
    const exp = this.experiments.find((e) => e.id === id);
    if (!exp) throw new ApiError('ERR_NOT_FOUND', `No experiment with id ${id}`, undefined, { id });
    return exp;
  }

  private copy(exp: Experiment): Experiment {
    return structuredClone(exp);
  }

  private emit(exp: Experiment): void {
    this.deps.emit(this.copy(exp));
  }

  private async run(
    exp: Experiment,
    config: AppConfig,
    base: Partial<PoolOptions>,
    workers: number,
    traffic: TrafficRecord[] | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const startedAt = this.deps.now();
    for (const step of exp.steps) {
      if (signal.aborted) break;
      if (step.status !== 'pending') continue; // skipped: its setting stopped at a lower level
      step.status = 'running';
      this.emit(exp);
      try {
        const figures = await runStep({
          options: stepOptions(step.settings, base, workers),
          load: exp.spec.load,
          rate: step.target,
          traffic,
          warmupMs: exp.spec.warmupMs,
          measureMs: exp.spec.measureMs,
          signal,
          onPids: this.deps.onPids,
        });
        Object.assign(step, figures, { status: 'done' });
      } catch (err) {
        if (signal.aborted) {
          step.status = 'cancelled';
          break;
        }
        const e = err as { code?: string; message?: string };
        step.status = 'failed';
        step.error = e.message ?? String(err);
        // a pool that cannot start (bad agent, Python problem) fails every step alike: stop here with its text
        exp.error = { code: e.code ?? 'ERR_EXPERIMENT', message: `Step ${step.index + 1} failed: ${step.error}` };
        break;
      }
      if (exp.spec.mode === 'capacity') skipPastFailures(exp, step);
      this.emit(exp);
    }
    for (const s of exp.steps) if (s.status === 'pending') s.status = 'cancelled';
    exp.finishedAt = this.deps.now();
    const samples = this.deps.liveSamples;
    if (samples) exp.liveCost = liveCost(samples(startedAt - LIVE_BEFORE_MS, startedAt), samples(startedAt, exp.finishedAt));
    if (signal.aborted) exp.status = 'cancelled';
    else if (exp.error) exp.status = 'failed';
    else {
      exp.status = 'done';
      const r = recommend(exp, config);
      exp.points = r.points;
      exp.kneeStep = r.kneeStep;
      exp.recommendation = r.recommendation;
      exp.p99BudgetMs = r.p99BudgetMs;
      if (r.sustained) exp.sustained = r.sustained;
    }
    this.emit(exp);
  }
}

/** The live pool's samples this long before the start are its "before". */
const LIVE_BEFORE_MS = 30_000;

/**
 * Capacity mode: once the last round of a level is in for a setting and it did
 * not pass, its higher levels are skipped (raising the rate further only costs time).
 */
function skipPastFailures(exp: Experiment, step: TuningStep): void {
  const level = exp.steps.filter((s) => s.group === step.group && s.target === step.target);
  if (level.some((s) => s.status === 'pending' || s.status === 'running')) return;
  const point = pointsOf({ steps: level })[0];
  if (point && passes(point, exp.spec.p99BudgetMs!)) return;
  for (const s of exp.steps) if (s.group === step.group && s.target > step.target && s.status === 'pending') s.status = 'skipped';
}
