// The tuning assistant's service: runs one experiment at a time, step after
// step, each on its own throw-away pool; reports progress as events; keeps
// the last experiments (bounded, saved in the data directory); exports them.
// The live pool is only read (its current worker count) — never changed here:
// a recommendation is applied by the operator through previewConfig/updateConfig.
import { randomUUID } from 'node:crypto';
import type { SnapshotFile } from '../../../common/contract';
import type { AppConfig } from '../../../common/schemas';
import type { Experiment, ExperimentSpec, TuningStep } from '../../../common/tuning';
import type { PoolOptions, TrafficRecord } from '../../pool/index';
import { ApiError, validationError } from '../api-error';
import { readFileIfExists, writeFileAtomic } from '../config/atomic-file';
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
}

/** An experiment the app stopped in the middle of: it and its unfinished steps end as cancelled. */
const interrupted = (e: Experiment): Experiment => ({
  ...e,
  status: 'cancelled',
  steps: e.steps.map((s) => (s.status === 'running' || s.status === 'pending' ? { ...s, status: 'cancelled' } : s)),
});

const emptyFigures = { throughput: 0, offered: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, errorRate: 0, rejectionRate: 0, messages: 0, rssBytes: 0, loopLagMs: 0 };

export class TuningService {
  private experiments: Experiment[] = []; // newest first
  private active: { exp: Experiment; abort: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly deps: TuningDeps) {}

  /** Validates the spec against the config, then runs in the background; returns the experiment as started. */
  start(spec: ExperimentSpec): Experiment {
    if (this.active) throw new ApiError('ERR_CONFLICT', `Experiment "${this.active.exp.name}" is still running; cancel it or wait for it to end`, undefined, { id: this.active.exp.id });
    const config = this.deps.config();
    const issues = checkValues(spec, config);
    if (issues.length) throw validationError(issues);
    const traffic = spec.load.replay ? (this.deps.traffic?.() ?? []) : undefined;
    if (traffic && traffic.length < MIN_REPLAY)
      throw validationError([{ path: 'spec.load.replay', message: `needs recorded traffic: ${traffic.length} messages in the last 10 minutes, at least ${MIN_REPLAY}` }]);
    const liveWorkers = this.deps.liveWorkers();
    const current = currentValues(spec, config, liveWorkers);
    const steps: TuningStep[] = stepGrid(spec, current).map((s, index) => ({ index, ...s, status: 'pending', ...emptyFigures }));
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
    if (traffic) exp.replay = summarize(traffic);
    this.experiments = [exp, ...this.experiments].slice(0, MAX_EXPERIMENTS);
    const abort = new AbortController();
    const base = this.deps.poolOptions(config);
    const done = this.run(exp, config, base, currentWorkers(config, liveWorkers), traffic, abort.signal).finally(() => {
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
      this.experiments = (saved.experiments ?? []).slice(0, MAX_EXPERIMENTS).map((e) => (e.status === 'running' ? interrupted(e) : e));
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

  private async run(exp: Experiment, config: AppConfig, base: Partial<PoolOptions>, workers: number, traffic: TrafficRecord[] | undefined, signal: AbortSignal): Promise<void> {
    for (const step of exp.steps) {
      if (signal.aborted) break;
      step.status = 'running';
      this.emit(exp);
      try {
        const figures = await runStep({
          options: stepOptions(step.settings, base, workers),
          load: exp.spec.load,
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
      this.emit(exp);
    }
    for (const s of exp.steps) if (s.status === 'pending') s.status = 'cancelled';
    exp.finishedAt = this.deps.now();
    if (signal.aborted) exp.status = 'cancelled';
    else if (exp.error) exp.status = 'failed';
    else {
      exp.status = 'done';
      const r = recommend(exp, config);
      exp.kneeStep = r.kneeStep;
      exp.recommendation = r.recommendation;
      exp.p99BudgetMs = r.p99BudgetMs;
    }
    this.emit(exp);
  }
}
