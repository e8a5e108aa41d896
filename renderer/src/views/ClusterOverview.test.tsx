// @vitest-environment jsdom
// Cluster mode on screen, from store state alone (the live cluster is in e2e/cluster-view.spec.ts):
// the header and Overview speak for the cluster's hosts and workers, and the control center's
// own pool is named as this machine's, taking none of the cluster's traffic.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostsView, HostView, MetricsSample } from '../../../common/contract';
import { App } from '../App';
import { useConnection } from '../state/connection';
import { useHosts } from '../state/hosts';
import { useMetrics } from '../state/metrics';
import { useUi } from '../state/ui';

const zero = { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };

function host(hostId: string, processed: number, processes: number): HostView {
  return {
    hostId,
    status: 'up',
    heartbeatAgeMs: 100,
    pid: 1,
    state: 'up',
    startedAt: 0,
    time: 0,
    capacity: 8,
    inFlight: 1,
    processed,
    duplicates: 0,
    naks: 0,
    terms: 0,
    throughput: 10,
    pool: { total: 2, healthy: 2, p50ResponseTime: 0, p99ResponseTime: 0, totalErrors: 0 },
    workers: [],
    totals: {
      processed: processed + 40 * (processes - 1),
      duplicates: 0,
      outcomes: { ...zero, answered: processed + 40 * (processes - 1) },
      latency: null,
      processes,
      uncleanEnds: processes - 1,
      before: { processed: 0, outcomes: zero },
    },
  };
}

function cluster(): HostsView {
  const hosts = [host('a', 100, 1), host('b', 5, 2), host('c', 60, 1)];
  const processed = hosts.reduce((n, h) => n + h.totals.processed, 0);
  return {
    enabled: true,
    servers: ['nats://127.0.0.1:4222'],
    pool: 'demo',
    connected: true,
    hosts,
    ackPending: null,
    totals: {
      processed,
      duplicates: 0,
      outcomes: { ...zero, answered: processed },
      latency: null,
      processes: 4,
      uncleanEnds: 1,
      before: { processed: 0, outcomes: zero },
      hosts: 3,
      hostsUp: 3,
      workers: 6,
      healthy: 6,
      busy: 3,
      available: 6,
      inFlight: 3,
      capacity: 24,
    },
  } as HostsView;
}

const sample = {
  t: 1,
  throughput: 42,
  errorRate: 0,
  messages: 42,
  avgLatencyMs: 3,
  p95LatencyMs: 5,
  p99LatencyMs: 10,
  queueDepth: 0,
  queueCapacity: 0,
  inFlight: 3,
  total: 6,
  busy: 3,
  available: 6,
  healthy: 6,
  workers: [],
} as MetricsSample;

beforeEach(() => {
  useUi.setState({ view: 'overview' });
  useConnection.setState({ status: 'connected', restoredAt: undefined, lostAt: undefined, unauthorized: false });
  useHosts.setState({ view: cluster() });
  useMetrics.setState({ live: [sample] });
});
afterEach(() => {
  cleanup();
  useHosts.setState({ view: null });
  useMetrics.setState({ live: [] });
});

describe('cluster mode on screen', () => {
  it("header and Overview show the cluster's workers, throughput and processed count over each host's processes", () => {
    render(<App />);
    expect(screen.getByTestId('pool-status').textContent).toBe('6/6 workers healthy on 3 hosts');
    expect(screen.getByTestId('card-throughput-value').textContent).toBe('42.0/s');
    expect(screen.getByTestId('card-processed').dataset.count).toBe('205'); // 100 + (5 + 40) + 60: b's first run kept
    expect(screen.getByTestId('local-pool-note').textContent).toContain("takes none of the cluster's traffic");
  });

  it('names the Workers view as the local pool on this machine', () => {
    useUi.setState({ view: 'workers' });
    render(<App />);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Local pool on this machine');
    expect(screen.getByTestId('local-pool-label')).toBeTruthy();
  });
});
