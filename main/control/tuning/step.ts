// One experiment step: a throw-away pool with the step's options, the
// experiment's load (the load generator's shapes), a warm-up, then a fixed
// measured window. The pool is a new GreenletProcessPool beside the live one:
// nothing here touches the live pool, and every worker process it started is
// gone (pids checked) before the step returns.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TuningLoad } from '../../../common/tuning';
import { GreenletProcessPool, type PoolOptions, type TrafficRecord } from '../../pool/index';
import { LoadGenerator } from './load-generator';
import { ReplayLoad } from './replay';

export interface StepFigures {
  throughput: number;
  offered: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  rejectionRate: number;
  messages: number;
  rssBytes: number;
  loopLagMs: number;
}

export interface StepRun {
  options: Partial<PoolOptions>;
  load: TuningLoad;
  /** recorded traffic to replay when load.replay is set */
  traffic?: readonly TrafficRecord[];
  warmupMs: number;
  measureMs: number;
  signal: AbortSignal;
  /** the pool's worker pids as soon as it has started (tests check they are gone afterwards) */
  onPids?: (pids: number[]) => void;
}

const REJECTED = new Set(['ERR_QUEUE_FULL', 'ERR_WORKER_QUEUE_FULL']);
// RSS and loop lag come from the health check; a step lasts seconds, so it runs often.
const HEALTH_EVERY_MS = 500;
const EXIT_WAIT_MS = 5_000;

/** Runs one step; throws the pool's own error (ERR_START_FAILED with the Python text) or an AbortError. */
export async function runStep(run: StepRun): Promise<StepFigures> {
  const pool = new GreenletProcessPool({
    ...run.options,
    healthCheckInterval: Math.min(run.options.healthCheckInterval ?? HEALTH_EVERY_MS, HEALTH_EVERY_MS),
    healthCheckTimeout: Math.min(run.options.healthCheckTimeout ?? HEALTH_EVERY_MS, HEALTH_EVERY_MS),
  });
  pool.on('event', () => undefined); // its events are the experiment's, not the live event log's
  const stopOnAbort = () => void pool.destroy();
  run.signal.addEventListener('abort', stopOnAbort, { once: true });
  let pids: number[] = [];
  let load: { stop(): unknown } | undefined;
  try {
    run.signal.throwIfAborted();
    await pool.start();
    run.signal.throwIfAborted();
    pids = livePids(pool);
    run.onPids?.(pids);
    const m = new Measurement();
    const submit = (data: unknown) => m.track(pool.execute({ type: 'agent.process', data }));
    // what the pool can hold plus some slack, so a full queue is reached and its rejections counted
    const maxOutstanding = () => pool.opts.messageQueueSize + pool.opts.maxWorkers * pool.opts.concurrencyPerWorker + 100;
    if (run.load.replay) {
      const replay = new ReplayLoad(run.traffic ?? [], submit, maxOutstanding);
      replay.start();
      load = replay;
    } else {
      const gen = new LoadGenerator({ submit, now: Date.now, onStatus: () => undefined, maxOutstanding });
      gen.start({ ...run.load, count: 0 });
      load = gen;
    }
    if (run.warmupMs > 0) await sleep(run.warmupMs, undefined, { signal: run.signal });
    m.begin();
    await sleep(run.measureMs, undefined, { signal: run.signal });
    const figures = m.end();
    load.stop();
    const workers = pool.getDetailedStats().workers;
    pids = [...new Set([...pids, ...livePids(pool)])];
    figures.rssBytes = workers.reduce((sum, w) => sum + (w.rssBytes || 0), 0);
    figures.loopLagMs = workers.reduce((max, w) => Math.max(max, w.loopLagMs || 0), 0);
    return figures;
  } finally {
    run.signal.removeEventListener('abort', stopOnAbort);
    load?.stop();
    pids = [...new Set([...pids, ...livePids(pool)])];
    await pool.destroy();
    await waitGone(pids);
  }
}

const livePids = (pool: GreenletProcessPool) => pool.getDetailedStats().workers.flatMap((w) => (w.pid ? [w.pid] : []));

/** Counts what settles inside the measured window; latency is execute() to result, queue wait included. */
class Measurement {
  private on = false;
  private startedAt = 0;
  private sent = 0;
  private ok = 0;
  private failed = 0;
  private rejected = 0;
  private readonly latencies: number[] = [];
  private figures: StepFigures | undefined;

  track(p: Promise<unknown>): Promise<unknown> {
    const t0 = performance.now();
    if (this.on) this.sent++;
    return p.then(
      (v) => {
        if (this.on) {
          this.ok++;
          this.latencies.push(performance.now() - t0);
        }
        return v;
      },
      (err: { code?: string }) => {
        if (this.on) {
          if (REJECTED.has(err?.code ?? '')) this.rejected++;
          else this.failed++;
        }
        throw err;
      },
    );
  }

  begin(): void {
    this.on = true;
    this.startedAt = performance.now();
  }

  end(): StepFigures {
    this.on = false;
    const secs = Math.max(1e-3, (performance.now() - this.startedAt) / 1000);
    const sorted = Float64Array.from(this.latencies).sort();
    const settled = this.ok + this.failed + this.rejected;
    this.figures = {
      throughput: this.ok / secs,
      offered: this.sent / secs,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      p99Ms: quantile(sorted, 0.99),
      errorRate: settled ? this.failed / settled : 0,
      rejectionRate: settled ? this.rejected / settled : 0,
      messages: settled,
      rssBytes: 0,
      loopLagMs: 0,
    };
    return this.figures;
  }
}

/** Nearest-rank quantile of sorted values (0 when none). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Whether a process with this pid still exists (EPERM: it exists, owned by someone else). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The next step must not be measured beside the last one's dying workers. */
async function waitGone(pids: readonly number[]): Promise<void> {
  const until = Date.now() + EXIT_WAIT_MS;
  while (pids.some(processAlive) && Date.now() < until) await sleep(20);
}
