// One experiment step: a throw-away pool with the step's options, the
// experiment's load (the load generator's shapes), a warm-up, then a fixed
// measured window whose arrivals are followed to their answers (measure.ts). The pool is a new GreenletProcessPool beside the live one:
// nothing here touches the live pool, and every worker process it started is
// gone (pids checked) before the step returns.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TuningLoad } from '../../../common/tuning';
import { GreenletProcessPool, type PoolOptions, type TrafficRecord } from '../../pool/index';
import { LoadGenerator } from './load-generator';
import { Measurement } from './measure';
import { ReplayLoad } from './replay';

export interface StepFigures {
  target: number;
  throughput: number;
  offered: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  rejectionRate: number;
  messages: number;
  answered: number;
  backlogGrowth: number;
  keptUp: boolean;
  behind?: string;
  rssBytes: number;
  loopLagMs: number;
}

export interface StepRun {
  options: Partial<PoolOptions>;
  load: TuningLoad;
  /** msg/s to offer (the load's rate, or a capacity level's; replay: the recorded rate × multiple) */
  rate: number;
  /** recorded traffic to replay when load.replay is set */
  traffic?: readonly TrafficRecord[];
  warmupMs: number;
  measureMs: number;
  signal: AbortSignal;
  /** the pool's worker pids as soon as it has started (tests check they are gone afterwards) */
  onPids?: (pids: number[]) => void;
}

// RSS and loop lag come from the health check; a step lasts seconds, so it runs often.
const HEALTH_EVERY_MS = 500;
const EXIT_WAIT_MS = 5_000;
/** How long after the window its arrivals may take to be answered: a step that keeps up answers within its p99. */
const drainMs = (measureMs: number) => Math.max(1_000, Math.min(measureMs, 5_000));

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
    const maxOutstanding = () => maxOutstandingOf(pool.opts);
    if (run.load.replay) {
      const replay = new ReplayLoad(run.traffic ?? [], run.rate, submit, maxOutstanding);
      replay.start();
      load = replay;
    } else {
      const gen = new LoadGenerator({ submit, now: Date.now, onStatus: () => undefined, maxOutstanding });
      gen.start({ ...run.load, rate: run.rate, count: 0 });
      load = gen;
    }
    if (run.warmupMs > 0) await sleep(run.warmupMs, undefined, { signal: run.signal });
    m.begin();
    await sleep(run.measureMs, undefined, { signal: run.signal });
    m.close();
    load.stop();
    await m.drain(drainMs(run.measureMs), run.signal);
    const figures = m.figures(run.rate);
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

/** What the pool can hold plus some slack, so a full queue is reached and its rejections counted. */
export const maxOutstandingOf = (o: Pick<PoolOptions, 'messageQueueSize' | 'maxWorkers' | 'concurrencyPerWorker'>) =>
  o.messageQueueSize + o.maxWorkers * o.concurrencyPerWorker + 100;

const livePids = (pool: GreenletProcessPool) => pool.getDetailedStats().workers.flatMap((w) => (w.pid ? [w.pid] : []));

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
