import { Fragment, useState } from 'react';
import type { HostView } from '../../../common/contract';
import { AlertBadges } from '../components/AlertList';
import { ActionsHeader, StatusNote } from '../components/StatusNote';
import { formatBytes, formatCount, formatMs, formatRate } from '../lib/format';
import { api, errorText } from '../state/api';
import { useAlerts } from '../state/alerts';
import { hostCounts, liveThroughput, statusTone, useHosts } from '../state/hosts';
import { DeadLetters } from './DeadLetters';

/** Cluster hosts (docs/cluster.md): state by heartbeat age, capacity, throughput; each opens onto its workers. */
export function HostsView() {
  const view = useHosts((s) => s.view);
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  if (!view || !view.enabled)
    return (
      <div className="stack">
        <h2>Hosts</h2>
        <div className="empty" data-testid="hosts-disabled">
          Single-machine mode: this control center runs its own pool. To spread work over several machines, start hosts with{' '}
          <code>npm run serve -- --join nats://…</code> and this control center with <code>--cluster nats://…</code> (or try{' '}
          <code>npm run cluster-demo</code>).
        </div>
      </div>
    );
  const c = hostCounts(view.hosts);
  const control = async (hostId: string, op: 'recycle') => {
    setMessage(null);
    try {
      const replies = await api().controlHost({ hostId, op });
      setMessage(replies.map((r) => `${r.hostId}: ${r.ok ? 'recycled' : `failed — ${r.error?.message}`}`).join('; '));
    } catch (err) {
      setMessage(`Recycle on ${hostId} failed: ${errorText(err)}`);
    }
  };
  return (
    <div className="stack">
      <h2>Hosts</h2>
      <div className="row" data-testid="hosts-summary">
        <span className={`chip ${view.connected ? 'ok' : 'crit'}`}>{view.connected ? `NATS ${view.servers.join(', ')}` : 'Connecting to NATS…'}</span>
        <span>
          pool <code>{view.pool}</code> · {c.up} up · {c.stale} stale · {c.down} down · capacity {c.capacity} · {formatRate(c.throughput)}
          {view.totals && <> · {formatCount(view.totals.processed)} processed</>}
        </span>
        {view.ackPending && (
          <span className="muted" title="Messages delivered to hosts and not yet acked, against the consumer's max_ack_pending">
            ack pending {view.ackPending.ackPending}/{view.ackPending.maxAckPending} · waiting {view.ackPending.pending}
          </span>
        )}
        <span className="spacer" style={{ flex: 1 }} />
        <button className="btn" data-testid="hosts-recycle-all" disabled={c.up === 0} onClick={() => void control('all', 'recycle')}>
          Recycle all hosts (rolling)
        </button>
      </div>
      {view.unauthenticatedBroker && (
        <div className="banner warn" role="alert" data-testid="hosts-unauthenticated-broker">
          <span>
            This NATS broker asks no credentials: anyone who can reach it can read the work, forge answers and control the hosts. Start it with the
            configuration <code>npm run cluster-config</code> writes (docs/cluster.md, &ldquo;Roles and permissions&rdquo;).
          </span>
        </div>
      )}
      <StatusNote note={message} testId="hosts-message" block />
      <div className="panel" style={{ padding: 0, overflow: 'auto' }}>
        <table data-testid="hosts-table">
          <thead>
            <tr>
              <th>Host</th>
              <th>Status</th>
              <th className="num">Heartbeat</th>
              <th className="num">Capacity</th>
              <th className="num">In flight</th>
              <th className="num">Throughput</th>
              <th className="num">Processed</th>
              <th className="num">Workers</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {view.hosts.map((h) => (
              <Fragment key={h.hostId}>
                <HostRow
                  h={h}
                  open={open === h.hostId}
                  toggle={() => setOpen(open === h.hostId ? null : h.hostId)}
                  recycle={() => void control(h.hostId, 'recycle')}
                />
                {open === h.hostId && <HostWorkers h={h} />}
              </Fragment>
            ))}
          </tbody>
        </table>
        {view.hosts.length === 0 && (
          <div className="empty" data-testid="hosts-empty">
            No host has announced itself yet. Start one with <code>npm run serve -- --join {view.servers[0] ?? 'nats://…'} --host-id NAME</code>.
          </div>
        )}
      </div>
      <DeadLetters />
    </div>
  );
}

const KILLED =
  'A process was killed: answers it stored after its last heartbeat (at most ~250 ms of its traffic) are not counted, so this is a lower bound';

function HostRow({ h, open, toggle, recycle }: { h: HostView; open: boolean; toggle: () => void; recycle: () => void }) {
  const tp = liveThroughput(h);
  const alerts = useAlerts((s) => s.active).filter((a) => a.hostId === h.hostId);
  return (
    <tr data-testid="host-row" data-host-id={h.hostId} data-status={h.status}>
      <td className="mono">
        <button className="th-sort" aria-expanded={open} data-testid={`host-open-${h.hostId}`} onClick={toggle}>
          {open ? '▾' : '▸'} {h.hostId}
        </button>
        <AlertBadges alerts={alerts} testId="host-alert" />
      </td>
      <td>
        <span className={`chip ${statusTone(h.status)}`} data-testid="host-status">
          {h.status}
        </span>
      </td>
      <td className="num">{formatMs(h.heartbeatAgeMs)} ago</td>
      <td className="num">{h.capacity}</td>
      <td className="num">{h.status === 'down' ? '—' : h.inFlight}</td>
      <td className="num">{tp === null ? '—' : formatRate(tp)}</td>
      <td
        className="num"
        data-testid="host-processed"
        data-count={h.totals.processed}
        data-lower-bound={h.totals.uncleanEnds > 0 ? 'true' : undefined}
        title={`Results stored under this host id over ${h.totals.processes} process${h.totals.processes === 1 ? '' : 'es'}; the current one: ${formatCount(h.processed)}${h.totals.uncleanEnds > 0 ? `. ${KILLED}` : ''}`}
      >
        {h.totals.uncleanEnds > 0 && '≥ '}
        {formatCount(h.totals.processed)}
        {h.totals.processes > 1 && <span className="muted"> ({h.totals.processes} runs)</span>}
      </td>
      <td className="num">{h.workers.length}</td>
      <td className="sticky-end">
        <button className="btn small" aria-label={`Recycle workers on ${h.hostId}`} disabled={h.status !== 'up'} onClick={recycle}>
          Recycle
        </button>
      </td>
    </tr>
  );
}

function HostWorkers({ h }: { h: HostView }) {
  return (
    <tr data-testid={`host-workers-${h.hostId}`}>
      <td colSpan={9}>
        <HostCounts h={h} />
        <HostScale h={h} />
        <table>
          <thead>
            <tr>
              <th>Worker</th>
              <th className="num">PID</th>
              <th>State</th>
              <th className="num">Processed</th>
              <th className="num">In flight</th>
              <th className="num">RSS</th>
              <th className="num">Restarts</th>
            </tr>
          </thead>
          <tbody>
            {h.workers.map((w) => (
              <tr key={w.id} data-testid="host-worker-row">
                <td className="mono">{w.id}</td>
                <td className="num mono">{w.pid ?? '—'}</td>
                <td>
                  {w.state}
                  {w.healthy ? '' : ' (unhealthy)'}
                </td>
                <td className="num">{formatCount(w.messagesProcessed)}</td>
                <td className="num">{w.inFlight}</td>
                <td className="num">{w.rssBytes > 0 ? formatBytes(w.rssBytes) : '—'}</td>
                <td className="num">{w.restarts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </td>
    </tr>
  );
}

/** What this host id answered, over all its processes (a restart keeps the count: docs/cluster.md). */
function HostCounts({ h }: { h: HostView }) {
  const t = h.totals;
  const l = t.latency;
  return (
    <div className="muted" data-testid={`host-counts-${h.hostId}`} style={{ marginBottom: 6 }}>
      Over the {t.processes} process{t.processes === 1 ? '' : 'es'} seen under this id: {formatCount(t.outcomes.answered)} answered ·{' '}
      {formatCount(t.outcomes.agentError)} agent errors · {formatCount(t.outcomes.timedOut)} timed out · {formatCount(t.duplicates)} duplicates
      (redelivered after they were answered)
      {l && l.count > 0 && <> · mean answer time on the host {formatMs(l.sumMs / l.count)}</>}
      <EnvelopeCounts e={h.envelopes} />
    </div>
  );
}

/** This process's envelopes: how many messages shared a broker message, and how their answers were stored. */
function EnvelopeCounts({ e }: { e: HostView['envelopes'] }) {
  if (!e || e.envelopes === 0) return null;
  return (
    <div data-testid="host-envelopes">
      This process: {formatCount(e.envelopes)} envelopes (several short messages in one broker message) · {formatCount(e.grouped)} answers stored in{' '}
      {formatCount(e.groups)} group records{e.groups > 0 && <>, {(e.grouped / e.groups).toFixed(1)} a record</>} · {formatCount(e.alone)} stored alone
    </div>
  );
}

/** Resize one host's local pool (min..max workers), through its control subject. */
function HostScale({ h }: { h: HostView }) {
  const [min, setMin] = useState(String(h.workers.length || 1));
  const [max, setMax] = useState(String(h.workers.length || 1));
  const [note, setNote] = useState<string | null>(null);
  const scale = async () => {
    setNote(null);
    try {
      const [r] = await api().controlHost({ hostId: h.hostId, op: 'scale', minWorkers: Number(min), maxWorkers: Number(max) });
      setNote(r?.ok ? `${h.hostId} scaled to ${min}..${max} workers.` : `Scale refused: ${r?.error?.message ?? 'no answer'}`);
    } catch (err) {
      setNote(`Scale failed: ${errorText(err)}`);
    }
  };
  return (
    <div className="row" style={{ marginBottom: 8 }}>
      <label>
        min{' '}
        <input
          type="number"
          min={1}
          max={64}
          value={min}
          onChange={(e) => setMin(e.target.value)}
          style={{ width: 64 }}
          aria-label={`Minimum workers on ${h.hostId}`}
        />
      </label>
      <label>
        max{' '}
        <input
          type="number"
          min={1}
          max={64}
          value={max}
          onChange={(e) => setMax(e.target.value)}
          style={{ width: 64 }}
          aria-label={`Maximum workers on ${h.hostId}`}
        />
      </label>
      <button className="btn small" disabled={h.status !== 'up'} onClick={() => void scale()} data-testid={`host-scale-${h.hostId}`}>
        Scale host
      </button>
      <StatusNote note={note} />
    </div>
  );
}
