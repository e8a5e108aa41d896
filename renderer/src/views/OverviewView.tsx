import { useMemo } from 'react';
import type { MetricsSample } from '../../../common/contract';
import { AlertList } from '../components/AlertList';
import { Card, FillBar } from '../components/Card';
import { Sparkline } from '../components/Sparkline';
import { fillRatio, formatBytes, formatCount, formatDuration, formatMs, formatPct, formatRate } from '../lib/format';
import { useAlerts } from '../state/alerts';
import { useConnection } from '../state/connection';
import { useCluster } from '../state/hosts';
import { useMetrics } from '../state/metrics';
import { useStats } from '../state/stats';
import { ClusterOverview } from './ClusterOverview';

export function OverviewView() {
  const stats = useStats((s) => s.stats);
  const last = useMetrics((s) => s.live[s.live.length - 1]);
  const live = useMetrics((s) => s.live);
  const spark = useMemo(() => sparkSeries(live), [live]);
  const active = useAlerts((s) => s.active);
  const th = useAlerts((s) => s.thresholds);
  const cluster = useCluster();
  // Cluster mode: the cluster's figures; the local pool is named apart there (docs/cluster.md).
  if (cluster) return <ClusterOverview view={cluster} />;
  if (!stats) return <div className="empty">Waiting for the first figures from the pool…</div>;
  const o = stats.outcomes;
  // null: no message settled in the last interval, so no rate to show ('—', not 0 %)
  const errRate = last?.errorRate ?? null;
  const rejRate = last?.rejectionRate ?? null;
  const qFill = fillRatio(stats.queueDepth, stats.queueCapacity);
  const errTone = th && errRate !== null && errRate * 100 > th.errorRatePct ? 'crit' : undefined;
  const rejTone = th && rejRate !== null && rejRate * 100 > th.rejectionRatePct ? 'warn' : undefined;
  const idle = (rate: number | null) => (rate === null ? 'no traffic in the last interval · ' : '');
  // Latency describes answered messages of the engine's recent window (10–20 s). With none in
  // it there is no figure: '—' and "no traffic", not the last traffic's values beside 0.00/s.
  const latencyKnown = stats.recentAnswered > 0;
  const latTone = latencyKnown && th && stats.averageResponseTime > th.avgResponseTimeMs ? 'crit' : undefined;
  const noLatency = o.answered > 0 ? 'no traffic in the last 10–20 s' : 'no messages answered yet';
  return (
    <div className="stack">
      <h2>Pool overview</h2>
      <div className="grid-cards">
        <Card
          label="Workers"
          testId="card-workers"
          value={stats.total}
          tone={stats.healthy === 0 && stats.total > 0 ? 'crit' : undefined}
          sub={
            <>
              <span data-testid="card-workers-available">{stats.available} available</span> · <span>{stats.busy} busy</span> ·{' '}
              <span data-testid="card-workers-healthy">{stats.healthy} healthy</span>
              {stats.starting > 0 && <> · {stats.starting} starting</>}
            </>
          }
        />
        <Card
          label="Throughput"
          testId="card-throughput"
          value={formatRate(last?.throughput)}
          sub={`${formatCount(stats.totalMessagesProcessed)} processed`}
        >
          <Sparkline values={spark.throughput} label="Throughput, last 3 minutes" />
        </Card>
        <Card
          label="Messages"
          testId="card-outcomes"
          value={formatCount(o.answered + o.agentError + o.timedOut + o.rejected + o.cancelled)}
          sub={
            <>
              <span data-testid="outcome-answered">{formatCount(o.answered)} answered</span> ·{' '}
              <span data-testid="outcome-agentError">{formatCount(o.agentError)} errors</span> ·{' '}
              <span data-testid="outcome-timedOut">{formatCount(o.timedOut)} timeouts</span> ·{' '}
              <span data-testid="outcome-rejected">{formatCount(o.rejected)} rejected</span> ·{' '}
              <span data-testid="outcome-cancelled">{formatCount(o.cancelled)} cancelled</span>
            </>
          }
        />
        <Card
          label="Error rate"
          testId="card-error-rate"
          value={errRate === null ? '—' : formatPct(errRate)}
          tone={errTone}
          sub={`${idle(errRate)}of accepted messages · ${formatCount(o.agentError + o.timedOut)} errors and timeouts in total`}
        >
          <Sparkline values={spark.errors} label="Error rate, last 3 minutes" color="#ef4444" />
        </Card>
        <Card
          label="Rejection rate"
          testId="card-rejection-rate"
          value={rejRate === null ? '—' : formatPct(rejRate)}
          tone={rejTone}
          sub={`${idle(rejRate)}of offered messages · ${formatCount(o.rejected)} rejected in total (queue full: ${formatCount(stats.rejectedByQueue.pool)} pool, ${formatCount(stats.rejectedByQueue.worker)} worker)`}
        >
          <Sparkline values={spark.rejections} label="Rejection rate, last 3 minutes" color="#ec4899" />
        </Card>
        <Card
          label="Latency"
          testId="card-latency"
          tone={latTone}
          value={latencyKnown ? formatMs(stats.averageResponseTime) : '—'}
          sub={latencyKnown ? `avg · p95 ${formatMs(stats.p95ResponseTime)} · p99 ${formatMs(stats.p99ResponseTime)}` : noLatency}
        >
          <Sparkline values={spark.p95} label="p95 latency, last 3 minutes" color="#f59e0b" />
        </Card>
        <Card label="Queue depth" testId="card-queue" value={`${stats.queueDepth} / ${stats.queueCapacity}`} sub={`${formatPct(qFill, 0)} full`}>
          <FillBar ratio={qFill} warnAt={th ? th.queueFillPct / 100 : 0.8} label="Queue fill" testId="queue-fill" />
        </Card>
        <Card label="In flight" testId="card-inflight" value={stats.inFlight} sub={`of ${formatCount(stats.inFlightCapacity)} slots`}>
          <FillBar ratio={fillRatio(stats.inFlight, stats.inFlightCapacity)} label="In-flight fill" />
        </Card>
        <Card
          label="Worker age"
          testId="card-age"
          value={formatDuration(stats.oldestWorker)}
          sub={`oldest · average ${formatDuration(stats.averageWorkerAge)}`}
        />
        <Card label="Strategy" testId="card-strategy" value={<span style={{ fontSize: 18 }}>{stats.strategy}</span>} sub="load balancing" />
      </div>
      <h3>Active alerts</h3>
      <AlertList alerts={active} empty="No active alerts — the pool is within every threshold." testId="overview-alerts" />
      <h3>Workers at a glance</h3>
      <div className="tiles" data-testid="worker-tiles">
        {stats.workers.map((w) => (
          <div
            key={w.id}
            className={`tile ${w.state === 'ready' ? (w.healthy ? 'ok' : 'crit') : w.state === 'starting' ? 'muted' : 'warn'}`}
            title={w.lastError}
          >
            <div className="mono">
              <strong>{w.id}</strong> <span className="muted">pid {w.pid ?? '—'}</span>
            </div>
            <div className="muted">
              {w.state}
              {w.state === 'ready' && !w.healthy ? ' · unhealthy' : ''} · {w.inFlight} in flight
            </div>
            <div className="muted">
              {formatCount(w.messagesProcessed)} done ·{' '}
              {w.averageResponseTime > 0 ? formatMs(w.averageResponseTime) : 'no traffic' /* empty 10–20 s window */} ·{' '}
              {w.rssBytes > 0 ? formatBytes(w.rssBytes) : 'RSS —'}
            </div>
          </div>
        ))}
      </div>
      {!stats.workers.length && (
        <div className="muted" data-testid="worker-tiles-empty">
          No workers running. The pool starts them up to its minimum; if none appear, the Python view and the event log say why.
        </div>
      )}
      <HostInfo />
    </div>
  );
}

const SPARK_SAMPLES = 180; // three minutes at the default 1 s sampling

function sparkSeries(live: readonly MetricsSample[]) {
  const tail = live.slice(-SPARK_SAMPLES);
  return {
    throughput: tail.map((s) => s.throughput),
    errors: tail.map((s) => (s.errorRate ?? NaN) * 100), // NaN: an idle interval, a gap
    rejections: tail.map((s) => (s.rejectionRate ?? NaN) * 100),
    p95: tail.map((s) => s.p95LatencyMs ?? NaN), // NaN: no traffic, left out of the line
  };
}

function HostInfo() {
  const info = useConnection((s) => s.appInfo);
  if (!info) return null;
  return (
    <div className="muted row" data-testid="host-info" style={{ fontSize: 12.5 }}>
      <span>
        v{info.version} · {info.mode}
      </span>
      <span>
        data <code>{info.dataDir}</code>
      </span>
      {info.a2aUrl && (
        <span>
          A2A <code>{info.a2aUrl}</code>
        </span>
      )}
      {info.agentCardUrl && (
        <span>
          agent card <code>{info.agentCardUrl}</code>
        </span>
      )}
    </div>
  );
}
