// Overview in cluster mode (docs/cluster.md): the cluster's figures — samples
// built from the hosts' counters, totals per host id across its processes —
// and, labelled apart, the control center's own local pool, which takes none
// of the cluster's traffic.
import { useMemo } from 'react';
import type { HostsView, MetricsSample } from '../../../common/contract';
import { AlertList } from '../components/AlertList';
import { Card, FillBar } from '../components/Card';
import { Sparkline } from '../components/Sparkline';
import { fillRatio, formatCount, formatMs, formatPct, formatRate } from '../lib/format';
import { useAlerts } from '../state/alerts';
import { liveThroughput, statusTone } from '../state/hosts';
import { useMetrics } from '../state/metrics';
import { useStats } from '../state/stats';
import { useUi } from '../state/ui';

const SPARK_SAMPLES = 180;

export function ClusterOverview({ view }: { view: HostsView }) {
  const last = useMetrics((s) => s.live[s.live.length - 1]);
  const live = useMetrics((s) => s.live);
  const spark = useMemo(() => live.slice(-SPARK_SAMPLES).map((s: MetricsSample) => s.throughput), [live]);
  const active = useAlerts((s) => s.active);
  const t = view.totals;
  if (!t) return <div className="empty">Connecting to the cluster at {view.servers.join(', ')}…</div>;
  const o = t.outcomes;
  const errors = o.agentError + o.timedOut;
  const latency = last?.avgLatencyMs ?? null; // null: nothing answered in the window
  return (
    <div className="stack">
      <h2>
        Cluster overview{' '}
        <span className="muted" style={{ fontSize: 14 }}>
          pool {view.pool} · {view.servers.join(', ')}
        </span>
      </h2>
      <div className="grid-cards">
        <Card
          label="Hosts"
          testId="card-hosts"
          value={`${t.hostsUp} / ${t.hosts}`}
          tone={t.hosts > 0 && t.hostsUp === 0 ? 'crit' : undefined}
          sub={`up · ${formatCount(t.capacity)} slots`}
        />
        <Card
          label="Workers"
          testId="card-workers"
          value={t.workers}
          tone={t.healthy === 0 && t.workers > 0 ? 'crit' : undefined}
          sub={
            <>
              <span data-testid="card-workers-healthy">{t.healthy} healthy</span> · {t.busy} busy · across hosts not down
            </>
          }
        />
        <Card
          label="Throughput"
          testId="card-throughput"
          value={formatRate(last?.throughput)}
          sub={
            <span
              data-testid="card-processed"
              data-count={t.processed}
              title={
                t.uncleanEnds > 0
                  ? `${t.uncleanEnds} host process(es) killed: answers they stored after their last heartbeat (≤ ~250 ms each) are not counted`
                  : undefined
              }
            >
              {t.uncleanEnds > 0 ? '≥ ' : ''}
              {formatCount(t.processed)} processed
            </span>
          }
        >
          <Sparkline values={spark} label="Cluster throughput, last 3 minutes" />
        </Card>
        <Card
          label="Outcomes"
          testId="card-outcomes"
          value={last?.errorRate == null ? '—' : formatPct(last.errorRate)}
          tone={errors > 0 && (last?.errorRate ?? 0) > 0 ? 'warn' : undefined}
          sub={
            <span data-testid="card-outcomes-counts" data-answered={o.answered}>
              error rate · {formatCount(o.answered)} answered · {formatCount(o.agentError)} agent errors · {formatCount(o.timedOut)} timed out
            </span>
          }
        />
        <Card
          label="Latency on hosts"
          testId="card-latency"
          value={latency === null ? '—' : formatMs(latency)}
          sub={
            latency === null
              ? o.answered > 0
                ? 'no answers in the last 10 s'
                : 'no messages answered yet'
              : `avg · p95 ≤ ${formatMs(last?.p95LatencyMs)} · p99 ≤ ${formatMs(last?.p99LatencyMs)} (last 10 s; from taking a message to its answer stored)`
          }
        />
        <Card
          label="In flight"
          testId="card-inflight"
          value={t.inFlight}
          sub={`of ${formatCount(t.capacity)} slots · ${formatCount(last?.queueDepth ?? 0)} waiting in the stream`}
        >
          <FillBar ratio={fillRatio(t.inFlight, t.capacity)} label="In-flight fill" />
        </Card>
      </div>
      <h3>Active alerts</h3>
      <AlertList alerts={active} empty="No active alerts — the cluster is within every threshold." testId="overview-alerts" />
      <h3>Hosts at a glance</h3>
      <div className="tiles" data-testid="host-tiles">
        {view.hosts.map((h) => {
          const tp = liveThroughput(h);
          return (
            <div key={h.hostId} className={`tile ${statusTone(h.status)}`} data-testid="host-tile" data-host-id={h.hostId}>
              <div className="mono">
                <strong>{h.hostId}</strong> <span className="muted">{h.status}</span>
              </div>
              <div className="muted">
                {tp === null ? 'no live figures' : formatRate(tp)} · {h.status === 'down' ? '—' : h.inFlight} in flight
              </div>
              <div className="muted">
                {formatCount(h.totals.processed)} processed{h.totals.processes > 1 ? ` over ${h.totals.processes} processes` : ''}
              </div>
            </div>
          );
        })}
      </div>
      <LocalPoolNote />
    </div>
  );
}

/** The control center's own pool stays (docs/cluster.md) and is named as what it is. */
function LocalPoolNote() {
  const stats = useStats((s) => s.stats);
  const go = useUi((s) => s.setView);
  return (
    <div className="muted" data-testid="local-pool-note" style={{ fontSize: 12.5 }}>
      Local pool on this machine: {stats ? `${stats.healthy}/${stats.total} workers healthy` : 'not reported yet'} — it takes none of the cluster's
      traffic (tasks and load go to the hosts); its figures are in{' '}
      <button className="btn small" onClick={() => go('workers')}>
        Workers
      </button>
      , not above.
    </div>
  );
}
