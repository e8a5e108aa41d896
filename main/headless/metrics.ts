// Prometheus exposition for the pool (prom-client), named in the spirit of
// Flower's exporter and linted by `promtool check metrics` in the tests:
// things that only go up are counters named `_total`, times are start
// timestamps (not ages), latencies are sum/count (not pre-computed averages),
// and worker states are one metric with a `state` label. Node's default
// process_*/nodejs_* metrics come along. Gauges and the outcome counters are
// read from the control plane at scrape time; the latency histogram is the
// engine's own (every answered message observed in fixed buckets), rendered
// as it is; only the per-worker run-time summary is fed from the sampler.
import { Counter, Gauge, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { MetricsSample } from '../../common/contract';
import type { DetailedPoolStats, LatencyBuckets, OutcomeCounts, WorkerStats } from '../pool/index';
import type { ApiHost } from '../transport/dispatch';
import { clusterGauges } from './metrics-cluster';

/** `outcome` label values of greenlet_pool_messages_total, one per engine outcome. */
export const OUTCOME_LABELS: Record<keyof OutcomeCounts, string> = {
  answered: 'answered',
  agentError: 'agent_error',
  timedOut: 'timed_out',
  rejected: 'rejected',
  cancelled: 'cancelled',
};
/** `queue` label values of greenlet_pool_messages_rejected_total: a full pool or worker queue, or refused at the door (pool closed, not started, bad message). */
export const REJECT_QUEUES = ['pool', 'worker', 'door'] as const;

const LATENCY = 'greenlet_pool_message_latency_seconds';

/** The engine's latency buckets in the text format (prom-client cannot take pre-counted buckets). */
export function latencyHistogramText(h: LatencyBuckets): string {
  const lines = [`# HELP ${LATENCY} Time from execute() to result of every answered message, observed by the engine`, `# TYPE ${LATENCY} histogram`];
  let cumulative = 0;
  h.boundsMs.forEach((ms, i) => {
    cumulative += h.counts[i] ?? 0;
    lines.push(`${LATENCY}_bucket{le="${ms / 1000}"} ${cumulative}`);
  });
  lines.push(`${LATENCY}_bucket{le="+Inf"} ${h.count}`, `${LATENCY}_sum ${h.sumMs / 1000}`, `${LATENCY}_count ${h.count}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Values of `greenlet_pool_workers{state}`; they partition the pool, so
 * sum() is the worker count. A ready worker is `idle` or `busy` while its
 * health checks pass and `unhealthy` (hub blocked, pings late) when not.
 */
export const WORKER_STATES = ['starting', 'idle', 'busy', 'unhealthy', 'draining', 'stopping', 'exited', 'failed'] as const;

// prom-client's defaults name three gauges `…_total`, which Prometheus reserves for counters
// (promtool flags them); they are left out rather than exported under a misleading type.
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface PoolMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** Refresh from the control plane and render the text format. */
  render(): Promise<string>;
  close(): void;
}

/** Grows a counter by how much a pool total moved; a total that went down means the pool restarted. */
function monotonic(counter: Counter, labels: Record<string, string> = {}) {
  let last = 0;
  return (total: number) => {
    const delta = total >= last ? total - last : total;
    if (delta > 0) counter.inc(labels, delta);
    last = total;
  };
}

/** The engine's histogram kept monotonic like the counters: a new pool's buckets are added to what the old one had counted. */
function monotonicHistogram() {
  let base: LatencyBuckets | undefined;
  let last: LatencyBuckets | undefined;
  const add = (a: LatencyBuckets, b: LatencyBuckets): LatencyBuckets => ({
    boundsMs: b.boundsMs,
    counts: b.counts.map((n, i) => n + (a.counts[i] ?? 0)),
    sumMs: a.sumMs + b.sumMs,
    count: a.count + b.count,
  });
  return (h: LatencyBuckets): LatencyBuckets => {
    if (last && h.count < last.count) base = base ? add(base, last) : last;
    last = h;
    return base ? add(base, h) : h;
  };
}

function stateOf(w: WorkerStats): (typeof WORKER_STATES)[number] {
  if (w.state !== 'ready') return w.state;
  if (!w.healthy) return 'unhealthy';
  return w.inFlight > 0 ? 'busy' : 'idle';
}

export function createPoolMetrics(host: ApiHost): PoolMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const c = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });

  const workers = g('greenlet_pool_workers', 'Worker processes in the pool, by state (the states partition the pool)', ['state']);
  const queueDepth = g('greenlet_pool_queue_depth', 'Messages waiting in the pool queue');
  const queueCapacity = g('greenlet_pool_queue_capacity', 'Pool queue bound (messageQueueSize)');
  const inFlight = g('greenlet_pool_in_flight', 'Messages being processed by workers');
  const inFlightCapacity = g('greenlet_pool_in_flight_capacity', 'Ready workers times concurrencyPerWorker');
  const wOnline = g('greenlet_worker_online', 'Worker is ready (1) or not (0)', ['worker']);
  const wHealthy = g('greenlet_worker_healthy', 'Worker passes health checks (1) or not (0)', ['worker']);
  const wExecuting = g('greenlet_worker_number_of_currently_executing_tasks', 'Messages in flight on the worker', ['worker']);
  const wRss = g('greenlet_worker_rss_bytes', 'Resident memory of the worker process', ['worker']);
  const wStart = g('greenlet_worker_start_time_seconds', 'Unix time the worker became ready', ['worker']);
  // Counters mirroring the pool's own per-worker totals: set to them at each scrape. A new
  // worker is a new series; a slot restarted under the same id starts again, which
  // Prometheus reads as a counter reset.
  const wProcessed = c('greenlet_worker_messages_processed_total', 'Messages the worker processed since it started', ['worker']);
  const wRestarts = c('greenlet_worker_restarts_total', 'Times the worker slot was restarted after a failure', ['worker']);
  const wRuntime = new Summary({
    name: 'greenlet_worker_task_runtime_seconds',
    help: 'Task run time per worker, from the sampler: each processed message counted at its worker’s recent mean',
    labelNames: ['worker'],
    percentiles: [], // sum and count only: rate(sum)/rate(count) gives the mean over any range
    registers: [registry],
  });

  const processed = monotonic(c('greenlet_pool_messages_processed_total', 'Messages processed (results and agent errors)'));
  const errors = monotonic(c('greenlet_pool_errors_total', 'Messages that ended in an error'));
  const outcomeCounter = c('greenlet_pool_messages_total', 'Messages by how they ended (engine counts; their sum is every message sent)', [
    'outcome',
  ]);
  const outcomes = (Object.keys(OUTCOME_LABELS) as (keyof OutcomeCounts)[]).map(
    (k) => [k, monotonic(outcomeCounter, { outcome: OUTCOME_LABELS[k] })] as const,
  );
  const rejectedCounter = c(
    'greenlet_pool_messages_rejected_total',
    'Messages refused, by the queue that was full (door: pool closed or not started)',
    ['queue'],
  );
  const rejected = REJECT_QUEUES.map((q) => [q, monotonic(rejectedCounter, { queue: q })] as const);
  // every series present from the first scrape, at 0 until something happens
  for (const k of Object.values(OUTCOME_LABELS)) outcomeCounter.inc({ outcome: k }, 0);
  for (const q of REJECT_QUEUES) rejectedCounter.inc({ queue: q }, 0);

  const off = host.on('metrics.sample', (s: MetricsSample) => {
    for (const w of s.workers) {
      if (!(w.messages > 0) || !Number.isFinite(w.avgLatencyMs)) continue;
      const seconds = w.avgLatencyMs / 1000;
      for (let i = 0; i < w.messages; i++) wRuntime.observe({ worker: w.id }, seconds);
    }
  });

  let known = new Set<string>();
  function apply(stats: DetailedPoolStats, now: number): void {
    const byState = new Map<string, number>(WORKER_STATES.map((s) => [s, 0]));
    for (const w of stats.workers) byState.set(stateOf(w), (byState.get(stateOf(w)) ?? 0) + 1);
    for (const [state, n] of byState) workers.set({ state }, n);
    queueDepth.set(stats.queueDepth);
    queueCapacity.set(stats.queueCapacity);
    inFlight.set(stats.inFlight);
    inFlightCapacity.set(stats.inFlightCapacity);
    processed(stats.totalMessagesProcessed);
    errors(stats.totalErrors);
    for (const [k, inc] of outcomes) inc(stats.outcomes[k]);
    const q = stats.rejectedByQueue;
    const byQueue = { pool: q.pool, worker: q.worker, door: stats.outcomes.rejected - q.pool - q.worker };
    for (const [k, inc] of rejected) inc(byQueue[k]);
    // Per-worker series are rebuilt each scrape so a recycled worker's id disappears.
    for (const m of [wOnline, wHealthy, wExecuting, wRss, wStart, wProcessed, wRestarts]) m.reset();
    const current = new Set(stats.workers.map((w) => w.id));
    for (const id of known) if (!current.has(id)) wRuntime.remove({ worker: id });
    known = current;
    for (const w of stats.workers) {
      const l = { worker: w.id };
      wOnline.set(l, w.state === 'ready' ? 1 : 0);
      wHealthy.set(l, w.healthy ? 1 : 0);
      wExecuting.set(l, w.inFlight);
      wRss.set(l, w.rssBytes);
      if (w.state !== 'starting') wStart.set(l, Math.round(now - w.age) / 1000);
      wProcessed.inc(l, w.messagesProcessed);
      wRestarts.inc(l, w.restarts);
    }
  }

  const latency = monotonicHistogram();
  const applyHosts = clusterGauges(registry);
  return {
    registry,
    contentType: registry.contentType,
    async render() {
      const stats = await host.handlers.getDetailedStats({});
      apply(stats, Date.now());
      const hostsText = applyHosts(await host.handlers.getHosts({}));
      return (await registry.metrics()) + latencyHistogramText(latency(stats.latencyHistogram)) + hostsText;
    },
    close: off,
  };
}
