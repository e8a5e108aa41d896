import { describe, expect, it } from 'vitest';
import type { DetailedPoolStats, WorkerStats } from '../../pool/index';
import { SampleBuilder } from './sampler';
import { historyCsv } from './snapshot';

function worker(id: string, messagesProcessed: number): WorkerStats {
  return {
    id,
    pid: 1,
    state: 'ready',
    healthy: true,
    messagesProcessed,
    errors: 0,
    inFlight: 2,
    age: 1000,
    rssBytes: 5e7,
    loopLagMs: 0,
    averageResponseTime: 12.3456,
    p95ResponseTime: 20,
    restarts: 0,
    outputLines: 0,
  };
}

type Outcomes = DetailedPoolStats['outcomes'];
const outcomes = (o: Partial<Outcomes>): Outcomes => ({ answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0, ...o });

function stats(processed: number, o: Partial<Outcomes>, workers: WorkerStats[], recentAnswered = 1): DetailedPoolStats {
  return {
    total: workers.length,
    available: workers.length,
    busy: 1,
    healthy: workers.length,
    starting: 0,
    totalMessagesProcessed: processed,
    totalErrors: (o.agentError ?? 0) + (o.timedOut ?? 0),
    inFlight: 4,
    inFlightCapacity: 200,
    queueDepth: 3,
    queueCapacity: 100,
    averageWorkerAge: 1000,
    oldestWorker: 1000,
    averageResponseTime: 10,
    recentAnswered,
    p50ResponseTime: 9,
    p95ResponseTime: 20,
    p99ResponseTime: 40,
    strategy: 'round-robin',
    workers,
    outcomes: outcomes(o),
    rejectedByQueue: { pool: o.rejected ?? 0, worker: 0 },
    latencyHistogram: { boundsMs: [], counts: [0], sumMs: 0, count: 0 },
  };
}

describe('SampleBuilder', () => {
  it('turns cumulative counters into per-interval throughput, error rate and per-worker messages', () => {
    const b = new SampleBuilder();
    const first = b.build(stats(100, { answered: 100 }, [worker('w-1', 60), worker('w-2', 40)]), 10_000);
    expect(first.throughput).toBe(0); // no previous sample: no interval yet
    expect(first.messages).toBe(100); // the engine counts from 0 at its start: that is the first baseline
    const s = b.build(stats(300, { answered: 280, agentError: 20 }, [worker('w-1', 160), worker('w-2', 140)]), 12_000);
    expect(s.throughput).toBe(100); // 200 messages in 2 s
    expect(s.errorRate).toBe(0.1);
    expect(s.messages).toBe(200); // finished in the interval: what the error-rate alert's minimum is checked against
    expect(s.outcomes).toEqual(outcomes({ answered: 180, agentError: 20 }));
    expect(s.workers.map((w) => [w.id, w.messages, w.avgLatencyMs])).toEqual([
      ['w-1', 100, 12.346],
      ['w-2', 100, 12.346],
    ]);
    expect(s).toMatchObject({ queueDepth: 3, queueCapacity: 100, p99LatencyMs: 40, inFlight: 4, healthy: 2 });
  });

  it('errors with nothing finished (workers crashing, queue timeouts) are a 100 % error rate, not 0 %', () => {
    const b = new SampleBuilder();
    b.build(stats(100, { answered: 100 }, [worker('w-1', 100)]), 0);
    const s = b.build(stats(100, { answered: 100, agentError: 10, timedOut: 20 }, [worker('w-1', 100)]), 1000);
    expect(s.errorRate).toBe(1);
    expect(s.messages).toBe(30); // the error rate's denominator: outcomes seen in the interval
  });

  it('rejections are a rate of their own, of every message offered, and do not dilute the error rate', () => {
    const b = new SampleBuilder();
    b.build(stats(0, {}, [worker('w-1', 0)]), 0);
    const s = b.build(stats(100, { answered: 90, agentError: 10, rejected: 300 }, [worker('w-1', 100)]), 1000);
    expect(s.outcomes).toEqual(outcomes({ answered: 90, agentError: 10, rejected: 300 }));
    expect(s.messages).toBe(400);
    expect(s.rejectionRate).toBe(0.75);
    expect(s.errorRate).toBe(0.1); // 10 of the 100 the pool accepted
  });

  it('says "no traffic" (null latency) when the engine answered nothing in its recent window, instead of holding old figures', () => {
    const b = new SampleBuilder();
    const busy = b.build(stats(10, { answered: 10 }, [worker('w-1', 10)], 10), 0);
    expect(busy).toMatchObject({ avgLatencyMs: 10, p95LatencyMs: 20, p99LatencyMs: 40 });
    const idle = b.build(stats(10, { answered: 10 }, [worker('w-1', 10)], 0), 1000);
    expect(idle).toMatchObject({ avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null });
  });

  it('an interval that settled no message has no error or rejection rate (null: unknown, not 0 %)', () => {
    const b = new SampleBuilder();
    b.build(stats(10, { answered: 9, agentError: 1 }, [worker('w-1', 10)]), 0);
    const idle = b.build(stats(10, { answered: 9, agentError: 1 }, [worker('w-1', 10)], 0), 1000);
    expect(idle.messages).toBe(0);
    expect(idle.errorRate).toBeNull();
    expect(idle.rejectionRate).toBeNull();
    // exported as empty cells (no value), not 0
    const row = historyCsv({ resolutionMs: 1000, samples: [idle] })
      .split('\n')[1]!
      .split(',');
    expect([row[9], row[10]]).toEqual(['', '']);
    // only rejections: nothing accepted, so no error rate, but a rejection rate of 100 %
    const refused = b.build(stats(10, { answered: 9, agentError: 1, rejected: 5 }, [worker('w-1', 10)], 0), 2000);
    expect(refused).toMatchObject({ errorRate: null, rejectionRate: 1 });
  });

  it('counts a new worker from zero and survives counters going backwards (pool replaced: its own counts from 0)', () => {
    const b = new SampleBuilder();
    b.build(stats(100, { answered: 100 }, [worker('w-1', 100)]), 0);
    const s = b.build(stats(130, { answered: 130 }, [worker('w-1', 120), worker('w-3', 10)]), 1000);
    expect(s.workers.find((w) => w.id === 'w-3')?.messages).toBe(10);
    const reset = b.build(stats(5, { answered: 5 }, [worker('w-9', 5)]), 2000);
    expect(reset.throughput).toBe(0);
    expect(reset.errorRate).toBe(0);
    expect(reset.outcomes).toEqual(outcomes({ answered: 5 }));
  });
});
