// Synthetic metrics samples for the tests of both sides (history, alerts, snapshot; the
// renderer's series, stores and charts) and the UI benchmark. One builder: `sample` is a quiet
// two-worker pool, `makeSamples` a series of them with a slow wave in the figures.
import type { MetricsSample } from '../contract';

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

export function makeSamples(n: number, start = 1_700_000_000_000, stepMs = 1000, workers = ['w-1', 'w-2']): MetricsSample[] {
  const out: MetricsSample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const wave = Math.sin(i / 600);
    out[i] = sample(start + i * stepMs, {
      throughput: 100 + 50 * wave,
      errorRate: i % 1000 === 0 ? 0.2 : 0.01,
      avgLatencyMs: 20 + 5 * wave,
      p95LatencyMs: 40 + 10 * wave,
      p99LatencyMs: 60 + 20 * wave,
      queueDepth: Math.max(0, Math.round(10 * wave)),
      inFlight: 5,
      total: workers.length,
      available: workers.length,
      healthy: workers.length,
      workers: workers.map((id, k) => ({ id, messages: 50, inFlight: 2, rssBytes: (30 + k + wave) * 1_048_576, avgLatencyMs: 20 })),
    });
  }
  return out;
}
