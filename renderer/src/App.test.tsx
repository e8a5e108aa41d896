// @vitest-environment jsdom
// The states an operator must read at a glance, rendered from store state
// alone (the live host behind them is exercised in the Playwright suite).
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DetailedPoolStats } from '../../common/contract';
import { App } from './App';
import { useConnection } from './state/connection';
import { useMetrics } from './state/metrics';
import { sample } from '../../common/test-support/samples';
import { useStats } from './state/stats';
import { useUi } from './state/ui';

const stats = (over: Partial<DetailedPoolStats>): DetailedPoolStats => ({
  total: 2,
  available: 2,
  busy: 0,
  healthy: 2,
  starting: 0,
  totalMessagesProcessed: 0,
  totalErrors: 0,
  inFlight: 0,
  inFlightCapacity: 200,
  queueDepth: 0,
  queueCapacity: 100,
  averageWorkerAge: 0,
  oldestWorker: 0,
  averageResponseTime: 0,
  recentAnswered: 0,
  p50ResponseTime: 0,
  p95ResponseTime: 0,
  p99ResponseTime: 0,
  strategy: 'round-robin',
  outcomes: { answered: 0, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 },
  rejectedByQueue: { pool: 0, worker: 0 },
  latencyHistogram: { boundsMs: [], counts: [0], sumMs: 0, count: 0 },
  workers: [],
  ...over,
});

beforeEach(() => {
  useUi.setState({ view: 'overview' });
  useConnection.setState({ status: 'connected', restoredAt: undefined, lostAt: undefined, unauthorized: false });
  useStats.setState({ stats: null });
});
afterEach(cleanup);

describe('App states', () => {
  it('says it is connecting before the first figures', () => {
    useConnection.setState({ status: 'connecting' });
    render(<App />);
    expect(screen.getByTestId('banner-connecting')).toBeTruthy();
    expect(screen.getByTestId('pool-status').dataset.phase).toBe('connecting');
  });

  it('shows the real Python start error and nothing about health', () => {
    useStats.setState({ stats: stats({ healthy: 0, available: 0, startError: "ModuleNotFoundError: No module named 'greenlet'" }) });
    render(<App />);
    expect(screen.getByTestId('start-error').textContent).toContain("No module named 'greenlet'");
    expect(screen.queryByTestId('banner-no-healthy')).toBeNull();
  });

  it('distinguishes starting from no healthy workers', () => {
    useStats.setState({ stats: stats({ healthy: 0, starting: 2 }) });
    const { unmount } = render(<App />);
    expect(screen.getByTestId('banner-starting')).toBeTruthy();
    unmount();
    useStats.setState({ stats: stats({ healthy: 0, starting: 0 }) });
    render(<App />);
    expect(screen.getByTestId('banner-no-healthy')).toBeTruthy();
  });

  it('says the connection is lost, then restored', () => {
    useStats.setState({ stats: stats({}) });
    useConnection.setState({ status: 'lost', lostAt: Date.now() });
    const { unmount } = render(<App />);
    expect(screen.getByTestId('connection-status').dataset.status).toBe('lost');
    expect(screen.getByTestId('banner-connection-lost')).toBeTruthy();
    unmount();
    useConnection.getState().setLink('open');
    render(<App />);
    expect(screen.getByTestId('banner-connection-restored')).toBeTruthy();
    expect(screen.queryByTestId('banner-connection-lost')).toBeNull();
  });

  it('marks the current view for assistive technology', () => {
    useStats.setState({ stats: stats({}) });
    render(<App />);
    expect(screen.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel').dataset.testid).toBe('view-overview');
  });

  it('shows latency as unknown, not 0 ms, before the first message is processed', () => {
    useStats.setState({ stats: stats({ totalMessagesProcessed: 0 }) });
    render(<App />);
    expect(screen.getByTestId('card-latency-value').textContent).toBe('—');
    expect(screen.getByTestId('card-latency').textContent).toContain('no messages answered yet');
    expect(screen.getByTestId('worker-tiles-empty')).toBeTruthy();
    cleanup();
    useStats.setState({
      stats: stats({ totalMessagesProcessed: 5, recentAnswered: 5, averageResponseTime: 30, p95ResponseTime: 42, p99ResponseTime: 49 }),
    });
    render(<App />);
    expect(screen.getByTestId('card-latency-value').textContent).toBe('30 ms');
  });

  it('says "no traffic" once the latency window is empty, instead of the last figures beside 0.00/s', () => {
    const answered = { answered: 500, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 };
    useStats.setState({ stats: stats({ totalMessagesProcessed: 500, outcomes: answered, recentAnswered: 0, averageResponseTime: 0 }) });
    render(<App />);
    expect(screen.getByTestId('card-latency-value').textContent).toBe('—');
    expect(screen.getByTestId('card-latency').textContent).toContain('no traffic in the last 10–20 s');
  });

  it("shows an idle interval's error and rejection rates as unknown (—), not 0 %", () => {
    useStats.setState({ stats: stats({ totalMessagesProcessed: 500, recentAnswered: 0 }) });
    useMetrics.setState({
      live: [sample(1, { errorRate: 0.5, rejectionRate: 0.2 }), sample(2, { messages: 0, errorRate: null, rejectionRate: null })],
    });
    try {
      render(<App />);
      expect(screen.getByTestId('card-error-rate-value').textContent).toBe('—');
      expect(screen.getByTestId('card-rejection-rate-value').textContent).toBe('—');
      expect(screen.getByTestId('card-error-rate').textContent).toContain('no traffic in the last interval');
    } finally {
      useMetrics.setState({ live: [] });
    }
  });

  it('shows every outcome and both rates: rejections are not errors', () => {
    const outcomes = { answered: 6726, agentError: 3, timedOut: 2, rejected: 8274, cancelled: 1 };
    useStats.setState({ stats: stats({ outcomes, rejectedByQueue: { pool: 8274, worker: 0 } }) });
    render(<App />);
    expect(screen.getByTestId('card-outcomes-value').textContent).toBe('15,006');
    expect(screen.getByTestId('outcome-answered').textContent).toBe('6,726 answered');
    expect(screen.getByTestId('outcome-rejected').textContent).toBe('8,274 rejected');
    expect(screen.getByTestId('outcome-agentError').textContent).toBe('3 errors');
    expect(screen.getByTestId('outcome-timedOut').textContent).toBe('2 timeouts');
    expect(screen.getByTestId('outcome-cancelled').textContent).toBe('1 cancelled');
    expect(screen.getByTestId('card-rejection-rate').textContent).toContain('8,274 rejected in total');
  });

  it('keeps the connection state in a live status region that names it', () => {
    useStats.setState({ stats: stats({}) });
    useConnection.setState({ status: 'lost', lostAt: Date.now() });
    render(<App />);
    expect(screen.getByRole('status', { name: 'Connection: disconnected' }).textContent).toBe('Disconnected');
    cleanup();
    useConnection.setState({ status: 'connected' });
    render(<App />);
    expect(screen.getByRole('status', { name: 'Connection: live' }).textContent).toBe('Live');
  });
});
