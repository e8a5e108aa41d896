import type { MetricsSample } from '../../../common/contract';

/** Synthetic metrics samples for renderer tests and the UI benchmark. */
export function makeSamples(n: number, start = 1_700_000_000_000, stepMs = 1000, workers = ['w-1', 'w-2']): MetricsSample[] {
  const out: MetricsSample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const wave = Math.sin(i / 600);
    out[i] = {
      t: start + i * stepMs,
      throughput: 100 + 50 * wave,
      errorRate: i % 1000 === 0 ? 0.2 : 0.01,
      avgLatencyMs: 20 + 5 * wave,
      p95LatencyMs: 40 + 10 * wave,
      p99LatencyMs: 60 + 20 * wave,
      queueDepth: Math.max(0, Math.round(10 * wave)),
      queueCapacity: 100,
      inFlight: 5,
      total: workers.length,
      busy: 1,
      available: workers.length,
      healthy: workers.length,
      workers: workers.map((id, k) => ({ id, messages: 50, inFlight: 2, rssBytes: (30 + k + wave) * 1_048_576, avgLatencyMs: 20 })),
    };
  }
  return out;
}
