// Prometheus exposition for the pool (prom-client), named in the spirit of
// Flower's exporter. Gauges are read from the control plane at scrape time;
// counters only ever grow even when the pool restarts and its totals reset;
// the latency histogram is fed from the sampler's per-worker figures.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSample } from '../../preload/contract';
import type { DetailedPoolStats } from '../pool/types';
import type { ApiHost } from '../transport/dispatch';
import { clusterGauges } from './metrics-cluster';

export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface PoolMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** Refresh from the control plane and render the text format. */
  render(): Promise<string>;
  close(): void;
}

/** Grows a counter by how much a pool total moved; a total that went down means the pool restarted. */
function monotonic(counter: Counter) {
  let last = 0;
  return (total: number) => {
    const delta = total >= last ? total - last : total;
    if (delta > 0) counter.inc(delta);
    last = total;
  };
}

export function createPoolMetrics(host: ApiHost): PoolMetrics {
  const registry = new Registry();
  const g = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });

  const workers = g('greenlet_pool_workers', 'Worker processes in the pool');
  const available = g('greenlet_pool_workers_available', 'Ready workers with spare in-flight capacity');
  const busy = g('greenlet_pool_workers_busy', 'Ready workers with at least one message in flight');
  const healthy = g('greenlet_pool_workers_healthy', 'Workers passing health checks');
  const starting = g('greenlet_pool_workers_starting', 'Workers still starting');
  const queueDepth = g('greenlet_pool_queue_depth', 'Messages waiting in the pool queue');
  const queueCapacity = g('greenlet_pool_queue_capacity', 'Pool queue bound (messageQueueSize)');
  const inFlight = g('greenlet_pool_in_flight', 'Messages being processed by workers');
  const inFlightCapacity = g('greenlet_pool_in_flight_capacity', 'Ready workers times concurrencyPerWorker');
  const wOnline = g('greenlet_worker_online', 'Worker is ready (1) or not (0)', ['worker']);
  const wHealthy = g('greenlet_worker_healthy', 'Worker passes health checks (1) or not (0)', ['worker']);
  const wExecuting = g('greenlet_worker_number_of_currently_executing_tasks', 'Messages in flight on the worker', ['worker']);
  const wProcessed = g('greenlet_worker_messages_processed', 'Messages the worker processed since it started', ['worker']);
  const wRss = g('greenlet_worker_rss_bytes', 'Resident memory of the worker process', ['worker']);
  const wLatency = g('greenlet_worker_avg_latency_seconds', 'Average response time of the worker', ['worker']);
  const wAge = g('greenlet_worker_age_seconds', 'Time since the worker became ready', ['worker']);
  const wRestarts = g('greenlet_worker_restarts', 'Times the worker slot was restarted after a failure', ['worker']);

  const processed = monotonic(
    new Counter({ name: 'greenlet_pool_messages_processed_total', help: 'Messages processed (results and agent errors)', registers: [registry] }),
  );
  const errors = monotonic(
    new Counter({ name: 'greenlet_pool_errors_total', help: 'Messages that ended in an error', registers: [registry] }),
  );
  const runtime = new Histogram({
    name: 'greenlet_pool_task_runtime_seconds',
    help: 'Task latency, from the sampler: each processed message observed at its worker’s average for the interval',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });

  const off = host.on('metrics.sample', (s: MetricsSample) => {
    for (const w of s.workers) {
      if (!(w.messages > 0) || !Number.isFinite(w.avgLatencyMs)) continue;
      const seconds = w.avgLatencyMs / 1000;
      for (let i = 0; i < w.messages; i++) runtime.observe(seconds);
    }
  });

  function apply(stats: DetailedPoolStats): void {
    workers.set(stats.total);
    available.set(stats.available);
    busy.set(stats.busy);
    healthy.set(stats.healthy);
    starting.set(stats.starting);
    queueDepth.set(stats.queueDepth);
    queueCapacity.set(stats.queueCapacity);
    inFlight.set(stats.inFlight);
    inFlightCapacity.set(stats.inFlightCapacity);
    processed(stats.totalMessagesProcessed);
    errors(stats.totalErrors);
    // Per-worker series are rebuilt each scrape so a recycled worker's id disappears.
    for (const gauge of [wOnline, wHealthy, wExecuting, wProcessed, wRss, wLatency, wAge, wRestarts]) gauge.reset();
    for (const w of stats.workers) {
      const l = { worker: w.id };
      wOnline.set(l, w.state === 'ready' ? 1 : 0);
      wHealthy.set(l, w.healthy ? 1 : 0);
      wExecuting.set(l, w.inFlight);
      wProcessed.set(l, w.messagesProcessed);
      wRss.set(l, w.rssBytes);
      wLatency.set(l, w.averageResponseTime / 1000);
      wAge.set(l, w.age / 1000);
      wRestarts.set(l, w.restarts);
    }
  }

  const applyHosts = clusterGauges(registry);
  return {
    registry,
    contentType: registry.contentType,
    async render() {
      apply(await host.handlers.getDetailedStats({}));
      applyHosts(await host.handlers.getHosts({}));
      return registry.metrics();
    },
    close: off,
  };
}
