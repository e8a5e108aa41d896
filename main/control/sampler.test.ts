import { describe, expect, it } from 'vitest';
import type { DetailedPoolStats, WorkerStats } from '../pool/index';
import { SampleBuilder } from './sampler';

function worker(id: string, messagesProcessed: number): WorkerStats {
  return {
    id, pid: 1, state: 'ready', healthy: true, messagesProcessed, errors: 0, inFlight: 2, age: 1000, rssBytes: 5e7,
    loopLagMs: 0, averageResponseTime: 12.3456, p95ResponseTime: 20, restarts: 0, outputLines: 0,
  };
}

function stats(processed: number, errors: number, workers: WorkerStats[]): DetailedPoolStats {
  return {
    total: workers.length, available: workers.length, busy: 1, healthy: workers.length, starting: 0,
    totalMessagesProcessed: processed, totalErrors: errors, inFlight: 4, inFlightCapacity: 200,
    queueDepth: 3, queueCapacity: 100, averageWorkerAge: 1000, oldestWorker: 1000,
    averageResponseTime: 10, p50ResponseTime: 9, p95ResponseTime: 20, p99ResponseTime: 40, strategy: 'round-robin', workers,
    outcomes: { answered: processed, agentError: errors, timedOut: 0, rejected: 0, cancelled: 0 },
    rejectedByQueue: { pool: 0, worker: 0 },
    latencyHistogram: { boundsMs: [], counts: [0], sumMs: 0, count: 0 },
  };
}

describe('SampleBuilder', () => {
  it('turns cumulative counters into per-interval throughput, error rate and per-worker messages', () => {
    const b = new SampleBuilder();
    const first = b.build(stats(100, 0, [worker('w-1', 60), worker('w-2', 40)]), 10_000);
    expect(first.throughput).toBe(0); // no previous sample: no interval yet
    const s = b.build(stats(300, 20, [worker('w-1', 160), worker('w-2', 140)]), 12_000);
    expect(s.throughput).toBe(100); // 200 messages in 2 s
    expect(s.errorRate).toBe(0.1);
    expect(s.messages).toBe(200); // finished in the interval: what the error-rate alert's minimum is checked against
    expect(first.messages).toBe(0);
    expect(s.workers.map((w) => [w.id, w.messages, w.avgLatencyMs])).toEqual([['w-1', 100, 12.346], ['w-2', 100, 12.346]]);
    expect(s).toMatchObject({ queueDepth: 3, queueCapacity: 100, p99LatencyMs: 40, inFlight: 4, healthy: 2 });
  });

  it('errors with nothing finished (workers crashing, queue timeouts) are a 100 % error rate, not 0 %', () => {
    const b = new SampleBuilder();
    b.build(stats(100, 0, [worker('w-1', 100)]), 0);
    const s = b.build(stats(100, 30, [worker('w-1', 100)]), 1000);
    expect(s.errorRate).toBe(1);
    expect(s.messages).toBe(30); // the error rate's denominator: outcomes seen in the interval
  });

  it('counts a new worker from zero and survives counters going backwards (pool replaced)', () => {
    const b = new SampleBuilder();
    b.build(stats(100, 0, [worker('w-1', 100)]), 0);
    const s = b.build(stats(130, 0, [worker('w-1', 120), worker('w-3', 10)]), 1000);
    expect(s.workers.find((w) => w.id === 'w-3')?.messages).toBe(10);
    const reset = b.build(stats(5, 0, [worker('w-9', 5)]), 2000);
    expect(reset.throughput).toBe(0);
    expect(reset.errorRate).toBe(0);
  });
});
