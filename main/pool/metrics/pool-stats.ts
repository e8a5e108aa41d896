// PoolStats / DetailedPoolStats, computed only when asked (O(workers)); the
// dispatch path only bumps counters.
import type { LatencyHistogram } from './latency';
import type { OutcomeCounter } from './outcomes';
import type { DetailedPoolStats, PoolOptions, PoolStats, StrategyName } from '../types';
import { round, type WorkerSlot } from '../worker/worker-slot';

export interface StatsSource {
  opts: PoolOptions;
  slots: readonly WorkerSlot[];
  queueDepth: number;
  processed: number;
  errors: number;
  latency: LatencyHistogram;
  outcomes: OutcomeCounter;
  strategy: StrategyName;
  startError: string | undefined;
}

export function computeStats(src: StatsSource): PoolStats {
  const now = Date.now();
  src.latency.advance();
  let available = 0;
  let busy = 0;
  let healthy = 0;
  let starting = 0;
  let inFlight = 0;
  let inFlightCapacity = 0;
  let ageSum = 0;
  let ageCount = 0;
  let oldest = 0;
  for (const s of src.slots) {
    inFlight += s.inFlight;
    if (s.state === 'starting') starting++;
    if (s.state !== 'ready') continue;
    if (s.healthy) healthy++;
    if (s.available) available++;
    if (s.inFlight > 0) busy++;
    if (!s.retiring) inFlightCapacity += s.capacity;
    const age = s.age(now);
    ageSum += age;
    ageCount++;
    if (age > oldest) oldest = age;
  }
  const stats: PoolStats = {
    total: src.slots.length,
    available,
    busy,
    healthy,
    starting,
    totalMessagesProcessed: src.processed,
    totalErrors: src.errors,
    inFlight,
    inFlightCapacity,
    queueDepth: src.queueDepth,
    queueCapacity: src.opts.messageQueueSize,
    averageWorkerAge: ageCount === 0 ? 0 : Math.round(ageSum / ageCount),
    oldestWorker: oldest,
    averageResponseTime: round(src.latency.mean),
    p50ResponseTime: round(src.latency.percentile(50)),
    p95ResponseTime: round(src.latency.percentile(95)),
    p99ResponseTime: round(src.latency.percentile(99)),
    recentAnswered: src.latency.count,
    strategy: src.strategy,
    outcomes: src.outcomes.snapshotCounts(),
    rejectedByQueue: { ...src.outcomes.byQueue },
    latencyHistogram: src.outcomes.histogram(),
  };
  if (src.startError !== undefined) stats.startError = src.startError;
  return stats;
}

export function computeDetailedStats(src: StatsSource): DetailedPoolStats {
  const now = Date.now();
  return { ...computeStats(src), workers: src.slots.map((s) => s.stats(now)) };
}
