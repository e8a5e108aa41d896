// Turns the pool's cumulative counters into per-interval metrics samples.
// Runs every sampling.intervalMs; each tick reads one DetailedPoolStats and
// reuses its delta maps, so an idle pool costs a few microseconds a second.
import type { MetricsSample, WorkerSample } from '../../preload/contract';
import type { DetailedPoolStats } from '../pool/index';
import { round } from './sample-math';

export interface StatsSource {
  getDetailedStats(): DetailedPoolStats;
}

/** Pure delta state: feed it consecutive stats, get samples. */
export class SampleBuilder {
  private prevT: number | undefined;
  private prevProcessed = 0;
  private prevErrors = 0;
  private prevWorker = new Map<string, number>();
  private nextWorker = new Map<string, number>();

  build(stats: DetailedPoolStats, t: number): MetricsSample {
    const dtSec = this.prevT === undefined ? 0 : Math.max(0.001, (t - this.prevT) / 1000);
    // Counters can go backwards when the pool is replaced (restart): start a new baseline.
    const dMsgs = this.prevT === undefined || stats.totalMessagesProcessed < this.prevProcessed ? 0 : stats.totalMessagesProcessed - this.prevProcessed;
    const dErrs = this.prevT === undefined || stats.totalErrors < this.prevErrors ? 0 : stats.totalErrors - this.prevErrors;
    const outcomes = Math.max(dMsgs, dErrs); // lower bound of results + errors seen in the interval
    const workers: WorkerSample[] = [];
    const next = this.nextWorker;
    next.clear();
    for (const w of stats.workers) {
      const before = this.prevWorker.get(w.id);
      const messages = before === undefined || w.messagesProcessed < before ? (this.prevT === undefined ? 0 : w.messagesProcessed) : w.messagesProcessed - before;
      next.set(w.id, w.messagesProcessed);
      workers.push({ id: w.id, messages, inFlight: w.inFlight, rssBytes: w.rssBytes, avgLatencyMs: round(w.averageResponseTime) });
    }
    // swap, so the maps are reused instead of reallocated every tick
    this.nextWorker = this.prevWorker;
    this.prevWorker = next;
    this.prevT = t;
    this.prevProcessed = stats.totalMessagesProcessed;
    this.prevErrors = stats.totalErrors;
    return {
      t,
      throughput: dtSec === 0 ? 0 : round(dMsgs / dtSec),
      // A message that crashed its worker or timed out in the queue counts as an error but never as
      // processed: with only those in an interval, dErrs / dMsgs would read 0 % while everything fails.
      errorRate: outcomes === 0 ? 0 : round(Math.min(1, dErrs / outcomes), 4),
      messages: outcomes,
      avgLatencyMs: round(stats.averageResponseTime),
      p95LatencyMs: round(stats.p95ResponseTime),
      p99LatencyMs: round(stats.p99ResponseTime),
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
