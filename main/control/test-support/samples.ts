// Synthetic metrics samples for the pure-logic tests (history, alerts, snapshot).
import type { MetricsSample } from '../../../common/contract';

export function sample(t: number, over: Partial<MetricsSample> = {}): MetricsSample {
  return {
    t,
    throughput: 100,
    errorRate: 0,
    avgLatencyMs: 10,
    p95LatencyMs: 20,
    p99LatencyMs: 30,
    queueDepth: 0,
    queueCapacity: 100,
    inFlight: 1,
    total: 2,
    busy: 1,
    available: 2,
    healthy: 2,
    workers: [
      { id: 'w-1', messages: 50, inFlight: 1, rssBytes: 30e6, avgLatencyMs: 10 },
      { id: 'w-2', messages: 50, inFlight: 0, rssBytes: 31e6, avgLatencyMs: 10 },
    ],
    ...over,
  };
}
