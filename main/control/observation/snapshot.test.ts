import { describe, expect, it } from 'vitest';
import { historyCsv, snapshotFilename } from './snapshot';
import { sample } from '../../../common/test-support/samples';

describe('snapshot helpers', () => {
  it('names files with an ISO timestamp that every file system accepts', () => {
    const t = Date.UTC(2026, 10, 27, 1, 2, 3, 456);
    expect(snapshotFilename(t, 'json')).toBe('greenlet-snapshot-2026-11-27T01-02-03Z.json');
    expect(snapshotFilename(t, 'csv')).toBe('greenlet-snapshot-2026-11-27T01-02-03Z.csv');
  });

  it('writes a header and one row per sample with pool-level columns', () => {
    const t = Date.UTC(2026, 10, 27, 0, 0, 0);
    const outcomes = { answered: 7, agentError: 1, timedOut: 0, rejected: 12, cancelled: 0 };
    const idle = { avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null };
    const csv = historyCsv({
      resolutionMs: 1000,
      samples: [sample(t), sample(t + 1000, { throughput: 7.5, queueDepth: 3, outcomes, messages: 20, rejectionRate: 0.6, ...idle })],
    });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'time,t,throughput,messages,answered,agentError,timedOut,rejected,cancelled,errorRate,rejectionRate,avgLatencyMs,p95LatencyMs,p99LatencyMs,queueDepth,queueCapacity,inFlight,total,busy,available,healthy',
    );
    expect(lines).toHaveLength(3);
    // counts per outcome; empty latency cells: no traffic, not 0 ms
    expect(lines[2]).toBe(`2026-11-27T00:00:01.000Z,${t + 1000},7.5,20,7,1,0,12,0,0,0.6,,,,3,100,1,2,1,2,2`);
  });
});
