// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { WorkerStats } from '../../../common/contract';
import { sortWorkers } from './sortWorkers';

const w = (id: string, rssBytes: number, healthy = true): WorkerStats =>
  ({
    id,
    rssBytes,
    healthy,
    pid: 1,
    state: 'ready',
    messagesProcessed: 0,
    errors: 0,
    inFlight: 0,
    age: 0,
    loopLagMs: 0,
    averageResponseTime: 0,
    p95ResponseTime: 0,
    restarts: 0,
    outputLines: 0,
  }) as WorkerStats;

describe('sortWorkers', () => {
  it('orders ids naturally (w-2 before w-10)', () => {
    expect(sortWorkers([w('w-10', 1), w('w-2', 1), w('w-1', 1)], 'id', 'asc').map((x) => x.id)).toEqual(['w-1', 'w-2', 'w-10']);
  });
  it('sorts numbers descending with ties in id order, and booleans', () => {
    const list = [w('w-3', 5), w('w-1', 9), w('w-2', 5)];
    expect(sortWorkers(list, 'rssBytes', 'desc').map((x) => x.id)).toEqual(['w-1', 'w-2', 'w-3']);
    expect(sortWorkers([w('a', 0, true), w('b', 0, false)], 'healthy', 'asc').map((x) => x.id)).toEqual(['b', 'a']);
    expect(list.map((x) => x.id)).toEqual(['w-3', 'w-1', 'w-2']); // input untouched
  });
});
