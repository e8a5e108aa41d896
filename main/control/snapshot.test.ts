import { describe, expect, it } from 'vitest';
import { historyCsv, snapshotFilename } from './snapshot';
import { sample } from './test-samples';

describe('snapshot helpers', () => {
  it('names files with an ISO timestamp that every file system accepts', () => {
    const t = Date.UTC(2026, 10, 27, 1, 2, 3, 456);
    expect(snapshotFilename(t, 'json')).toBe('greenlet-snapshot-2026-11-27T01-02-03Z.json');
    expect(snapshotFilename(t, 'csv')).toBe('greenlet-snapshot-2026-11-27T01-02-03Z.csv');
  });

  it('writes a header and one row per sample with pool-level columns', () => {
    const t = Date.UTC(2026, 10, 27, 0, 0, 0);
    const csv = historyCsv({ resolutionMs: 1000, samples: [sample(t), sample(t + 1000, { throughput: 7.5, queueDepth: 3 })] });
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('time,t,throughput,errorRate,avgLatencyMs,p95LatencyMs,p99LatencyMs,queueDepth,queueCapacity,inFlight,total,busy,available,healthy');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(`2026-11-27T00:00:01.000Z,${t + 1000},7.5,0,10,20,30,3,100,1,2,1,2,2`);
  });
});
