// The cluster's figures from host records, without a server: a restarted host
// (new pid/startedAt) keeps its previous process's counts, each host's first
// reading is a baseline, and latency says "no traffic" when nothing was answered.
import { describe, expect, it } from 'vitest';
import { emptyLatency, observe } from '../../cluster/counts';
import { clusterTotals, HostLedger } from '../../cluster/host-ledger';
import type { HostRecord, HostsView, HostView } from '../../cluster/index';
import { ClusterSampleBuilder } from './cluster-sampler';

function record(hostId: string, pid: number, answered: number, ms: number[] = []): HostRecord {
  const latency = emptyLatency();
  for (const m of ms) observe(latency, m);
  return {
    hostId,
    pid,
    state: 'up',
    startedAt: pid * 1000,
    time: 0,
    capacity: 8,
    inFlight: 0,
    processed: answered,
    duplicates: 0,
    naks: 0,
    terms: 0,
    throughput: 0,
    outcomes: { answered, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 },
    latency,
    pool: { total: 1, healthy: 1, available: 1, busy: 0, p50ResponseTime: 0, p99ResponseTime: 0, totalErrors: 0 },
    workers: [],
  };
}

function view(ledger: HostLedger, recs: HostRecord[]): HostsView {
  const hosts: HostView[] = recs.map((r) => ({ ...r, status: 'up', heartbeatAgeMs: 0, totals: ledger.totals(r.hostId) }));
  return {
    enabled: true,
    servers: [],
    pool: 'p',
    connected: true,
    unauthenticatedBroker: false,
    hosts,
    ackPending: null,
    totals: clusterTotals(hosts),
  };
}

describe('host ledger', () => {
  it('keeps what a host id counted over its processes: a restart is a counter reset, not a loss', () => {
    const l = new HostLedger();
    l.add(record('a', 1, 40));
    l.add(record('a', 1, 70));
    l.add(record('a', 2, 5)); // killed and started again: the new process counts from 0
    expect(l.totals('a')).toMatchObject({ processed: 75, outcomes: { answered: 75 }, processes: 2, uncleanEnds: 1 }); // its last word was 'up': killed
    l.add(record('a', 1, 60)); // a late, older record of the first process does not step it back
    expect(l.totals('a').processed).toBe(75);
    l.add({ ...record('a', 2, 9), state: 'draining' }); // a clean stop's final record
    l.add(record('a', 3, 0));
    expect(l.totals('a')).toMatchObject({ processed: 79, processes: 3, uncleanEnds: 1 });
  });
});

describe('cluster samples', () => {
  it("count each interval's answers once, not what a host counted before the control center watched, and say no traffic when none", () => {
    const l = new HostLedger();
    const b = new ClusterSampleBuilder();
    l.add(record('a', 1, 500, [3, 3]), true); // replayed at connect: counted before this control center watched
    expect(b.build(view(l, [record('a', 1, 500)]), 0)).toMatchObject({ messages: 0, throughput: 0, avgLatencyMs: null });
    l.add(record('a', 1, 520, [3, 3, 20, 20]));
    l.add(record('b', 7, 9)); // a host that joins live: what it counted is new traffic, even before the builder's first look
    const s = b.build(view(l, [record('a', 1, 520), record('b', 7, 9)]), 1_000);
    expect(s).toMatchObject({ messages: 29, throughput: 29, outcomes: { answered: 29 }, errorRate: 0, total: 2, healthy: 2 });
    expect(s.avgLatencyMs).toBe(20); // the two answers observed in the interval, not the earlier ones
    expect(s.p99LatencyMs).toBe(25); // the upper bound of their bucket
    const idle = b.build(view(l, [record('a', 1, 520), record('b', 7, 9)]), 12_000);
    expect(idle).toMatchObject({ messages: 0, avgLatencyMs: null, p95LatencyMs: null });
  });

  it("a host that joins live and answers a burst within its first interval: the burst's times are in that sample, as its counts are", () => {
    const l = new HostLedger();
    const b = new ClusterSampleBuilder();
    l.add(record('c', 3, 0));
    l.add(record('c', 3, 4, [1, 1, 1, 1])); // its first record the builder sees already counts the burst
    const s = b.build(view(l, [record('c', 3, 4)]), 0);
    expect(s).toMatchObject({ outcomes: { answered: 4 }, avgLatencyMs: 1 });
  });
});
