// Turns the pool's cumulative counters into per-interval metrics samples.
// Runs every sampling.intervalMs; each tick reads one DetailedPoolStats and
// reuses its delta maps, so an idle pool costs a few microseconds a second.
import type { MetricsSample, OutcomeCounts, WorkerSample } from '../../../common/contract';
import type { DetailedPoolStats } from '../../pool/index';
import { OUTCOME_FIELDS, outcomeRates, round } from './sample-math';

export interface StatsSource {
  getDetailedStats(): DetailedPoolStats;
}

const ZERO: OutcomeCounts = { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };

/** Interval deltas of the engine's outcome counters; undefined when any went backwards (a new pool: new baseline). */
function outcomeDelta(now: OutcomeCounts, prev: OutcomeCounts): OutcomeCounts | undefined {
  const d = { ...ZERO };
  for (const k of OUTCOME_FIELDS) {
    if (now[k] < prev[k]) return undefined;
    d[k] = now[k] - prev[k];
  }
  return d;
}

/** Pure delta state: feed it consecutive stats, get samples. */
export class SampleBuilder {
  private prevT: number | undefined;
  private prevProcessed = 0;
  private prevOutcomes: OutcomeCounts = ZERO;
  private prevWorker = new Map<string, number>();
  private nextWorker = new Map<string, number>();

  build(stats: DetailedPoolStats, t: number): MetricsSample {
    const first = this.prevT === undefined;
    const dtSec = first ? 0 : Math.max(0.001, (t - (this.prevT as number)) / 1000);
    // The engine counts from 0 when its pool is created, so the first sample's baseline is 0: the
    // samples' outcome counts add up to the engine's. Counters that go backwards mean a new pool
    // (restart): its baseline is 0 again, so its counts so far are this interval's.
    const d = outcomeDelta(stats.outcomes, this.prevOutcomes) ?? { ...stats.outcomes };
    const dMsgs = first || stats.totalMessagesProcessed < this.prevProcessed ? 0 : stats.totalMessagesProcessed - this.prevProcessed;
    const workers = this.workerSamples(stats, first);
    this.prevT = t;
    this.prevProcessed = stats.totalMessagesProcessed;
    this.prevOutcomes = { ...stats.outcomes };
    const traffic = stats.recentAnswered > 0; // the latency window saw an answered message
    return {
      t,
      throughput: dtSec === 0 ? 0 : round(dMsgs / dtSec),
      outcomes: { ...d },
      ...outcomeRates(d),
      avgLatencyMs: traffic ? round(stats.averageResponseTime) : null,
      p95LatencyMs: traffic ? round(stats.p95ResponseTime) : null,
      p99LatencyMs: traffic ? round(stats.p99ResponseTime) : null,
      queueDepth: stats.queueDepth,
      queueCapacity: stats.queueCapacity,
      inFlight: stats.inFlight,
      total: stats.total,
      busy: stats.busy,
      available: stats.available,
      healthy: stats.healthy,
      workers,
    };
  }

  private workerSamples(stats: DetailedPoolStats, first: boolean): WorkerSample[] {
    const workers: WorkerSample[] = [];
    const next = this.nextWorker;
    next.clear();
    for (const w of stats.workers) {
      const before = this.prevWorker.get(w.id);
      const messages = before === undefined || w.messagesProcessed < before ? (first ? 0 : w.messagesProcessed) : w.messagesProcessed - before;
      next.set(w.id, w.messagesProcessed);
      workers.push({ id: w.id, messages, inFlight: w.inFlight, rssBytes: w.rssBytes, avgLatencyMs: round(w.averageResponseTime) });
    }
    // swap, so the maps are reused instead of reallocated every tick
    this.nextWorker = this.prevWorker;
    this.prevWorker = next;
    return workers;
  }
}

export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly builder = new SampleBuilder();

  constructor(
    private readonly source: () => StatsSource,
    private intervalMs: number,
    private readonly now: () => number,
    private readonly onSample: (sample: MetricsSample, stats: DetailedPoolStats) => void,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  setInterval(ms: number): void {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    if (this.timer) this.start();
  }

  /** One sample now (also used by tests and by the first sample at start). */
  tick(): MetricsSample | undefined {
    let stats: DetailedPoolStats;
    try {
      stats = this.source().getDetailedStats();
    } catch {
      return undefined; // pool mid-replacement: skip this tick
    }
    const sample = this.builder.build(stats, this.now());
    this.onSample(sample, stats);
    return sample;
  }
}
