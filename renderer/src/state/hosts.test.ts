import { describe, expect, it } from 'vitest';
import type { HostView } from '../../../common/contract';
import { hostCounts, liveThroughput } from './hosts';

const host = (hostId: string, status: HostView['status'], capacity: number, throughput: number): HostView => ({
  hostId,
  status,
  heartbeatAgeMs: 100,
  pid: 1,
  state: 'up',
  startedAt: 0,
  time: 0,
  capacity,
  inFlight: 0,
  processed: 0,
  duplicates: 0,
  naks: 0,
  terms: 0,
  throughput,
  pool: { total: 1, healthy: 1, p50ResponseTime: 0, p99ResponseTime: 0, totalErrors: 0 },
  workers: [],
  totals: {
    processed: 0,
    duplicates: 0,
    outcomes: { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 },
    latency: null,
    processes: 1,
    uncleanEnds: 0,
    before: { processed: 0, outcomes: { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 } },
  },
});

describe('hosts summary', () => {
  it('counts hosts per state; capacity and throughput only from hosts that are up', () => {
    const c = hostCounts([host('a', 'up', 64, 100.04), host('b', 'stale', 64, 50), host('c', 'down', 64, 80), host('d', 'draining', 32, 10)]);
    expect(c).toEqual({ up: 2, stale: 1, down: 1, capacity: 96, throughput: 110 });
  });

  it("a down host's last throughput is not shown as live", () => {
    expect(liveThroughput(host('c', 'down', 64, 80))).toBeNull();
    expect(liveThroughput(host('a', 'up', 64, 80))).toBe(80);
  });
});
