import { useMemo, useState } from 'react';
import { sortWorkers, type SortDir, type WorkerSortKey } from '../lib/sortWorkers';
import type { WorkerStats } from '../../../common/contract';
import { formatBytes, formatCount, formatDuration, formatMs } from '../lib/format';
import { api, errorText } from '../state/api';
import { useAlerts } from '../state/alerts';
import { useConfig } from '../state/config';
import { useEvents } from '../state/events';
import { useCluster } from '../state/hosts';
import { useStats } from '../state/stats';
import { AlertBadges } from '../components/AlertList';
import { ActionsHeader, StatusNote } from '../components/StatusNote';
import { ScaleForm } from './ScaleForm';

const stateTone = (w: WorkerStats) =>
  w.state === 'ready'
    ? w.healthy
      ? 'ok'
      : 'crit'
    : w.state === 'failed' || w.state === 'exited'
      ? 'crit'
      : w.state === 'starting'
        ? 'muted'
        : 'warn';

export function WorkersView() {
  const workers = useStats((s) => s.stats?.workers);
  const cluster = useCluster() !== null;
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [sort, setSort] = useState<{ key: WorkerSortKey; dir: SortDir }>({ key: 'id', dir: 'asc' });
  const rows = useMemo(() => sortWorkers(workers ?? [], sort.key, sort.dir), [workers, sort]);
  const active = useAlerts((s) => s.active);
  const alertsFor = (id: string) => active.filter((a) => a.workerId === id);
  const [message, setMessage] = useState<string | null>(null);
  const recycle = async (id: string) => {
    setBusy((b) => ({ ...b, [id]: true }));
    setMessage(null);
    try {
      await api().recycleWorker({ workerId: id });
      setMessage(`Worker ${id} recycled.`);
    } catch (err) {
      setMessage(`Recycle of ${id} failed: ${errorText(err)}`);
    } finally {
      setBusy((b) => ({ ...b, [id]: false }));
    }
  };
  return (
    <div className="stack">
      <h2>{cluster ? 'Local pool on this machine' : 'Workers'}</h2>
      {cluster && (
        <div className="muted" data-testid="local-pool-label">
          Cluster mode: tasks and load go to the cluster's hosts, never to this pool; these workers take none of that traffic and their figures are
          not the cluster's. The hosts' workers are in Hosts.
        </div>
      )}
      <div className="row">
        <RecycleAll />
        <RestartPool />
        <span className="spacer" style={{ flex: 1 }} />
        <ScaleForm />
      </div>
      <StatusNote note={message} testId="workers-message" block />
      <div className="panel" style={{ padding: 0, overflow: 'auto' }}>
        <table data-testid="workers-table">
          <thead>
            <tr>
              {COLUMNS.map(([key, label, num, title]) => (
                <th
                  key={key}
                  className={num ? 'num' : undefined}
                  aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  title={title}
                >
                  <button className="th-sort" data-testid={`sort-${key}`} onClick={() => setSort(nextSort(sort, key))}>
                    {label}
                    {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.id} data-testid="worker-row" data-worker-id={w.id} data-pid={w.pid ?? ''} title={w.lastError ?? undefined}>
                <td className="mono">
                  {w.id}
                  <AlertBadges alerts={alertsFor(w.id)} testId="worker-alert" />
                </td>
                <td className="num mono">{w.pid ?? '—'}</td>
                <td>
                  <span className={`chip ${stateTone(w)}`}>{w.state}</span>
                </td>
                <td data-testid="worker-health">{healthCell(w)}</td>
                <td className="num">{formatCount(w.messagesProcessed)}</td>
                <td className="num">{formatCount(w.errors)}</td>
                <td className="num">{w.inFlight}</td>
                <td className="num">{formatDuration(w.age)}</td>
                <td className="num">{w.rssBytes > 0 ? formatBytes(w.rssBytes) : '—' /* not measured yet */}</td>
                <td className="num" title={w.averageResponseTime > 0 ? undefined : 'no message in the last 10–20 s'}>
                  {w.averageResponseTime > 0 ? formatMs(w.averageResponseTime) : '—' /* 0: its latency window is empty (no traffic) */}
                </td>
                {/* a suspect hub's loop is at least as late as the ping it has not answered */}
                <td className="num">{w.suspectForMs !== undefined ? `≥ ${formatMs(w.suspectForMs)}` : formatMs(w.loopLagMs)}</td>
                <td className="num">{w.restarts}</td>
                <td className="num">{formatCount(w.outputLines)}</td>
                <td className="sticky-end">
                  <button
                    className="btn small"
                    data-testid={`recycle-${w.id}`}
                    aria-label={`Recycle worker ${w.id}`}
                    disabled={busy[w.id] || w.state !== 'ready'}
                    onClick={() => void recycle(w.id)}
                  >
                    {busy[w.id] ? 'Recycling…' : 'Recycle'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!workers?.length && (
          <div className="empty" data-testid="workers-empty">
            No workers running. The pool starts them up to its minimum; if none appear, the Python view and the event log say why.
          </div>
        )}
      </div>
    </div>
  );
}

const COLUMNS: [WorkerSortKey, string, boolean, string?][] = [
  ['id', 'Worker', false],
  ['pid', 'PID', true],
  ['state', 'State', false],
  ['healthy', 'Health', false],
  ['messagesProcessed', 'Processed', true],
  ['errors', 'Errors', true],
  ['inFlight', 'In flight', true],
  ['age', 'Age', true],
  ['rssBytes', 'RSS', true],
  ['averageResponseTime', 'Avg latency', true],
  ['loopLagMs', 'Loop lag', true, "How late the worker's gevent loop answers a ping; high means blocked by CPU-bound or blocking code"],
  ['restarts', 'Restarts', true],
  ['outputLines', 'Output lines', true],
];

/** Same column again flips the direction; a new numeric column starts with the largest first. */
const nextSort = (cur: { key: WorkerSortKey; dir: SortDir }, key: WorkerSortKey): { key: WorkerSortKey; dir: SortDir } =>
  cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'id' || key === 'state' ? 'asc' : 'desc' };

/** Rolling recycle of every worker; progress counts the recycle events since it began. */
function RecycleAll() {
  const [start, setStart] = useState<{ seq: number; total: number } | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const done = useEvents((s) => (start ? s.events.filter((e) => e.seq > start.seq && e.type === 'worker.recycled').length : 0));
  const total = useStats((s) => s.stats?.total ?? 0);
  const run = async () => {
    setResult(null);
    setStart({ seq: useEvents.getState().lastSeq, total });
    try {
      const r = await api().recycleAll({});
      setResult(`Recycled ${r.recycled} worker${r.recycled === 1 ? '' : 's'}.`);
    } catch (err) {
      setResult(`Recycle all failed: ${errorText(err)}`);
    } finally {
      setStart(null);
    }
  };
  return (
    <div className="row">
      <button className="btn" data-testid="recycle-all" disabled={!!start || total === 0} onClick={() => void run()}>
        {start ? 'Recycling…' : 'Recycle all (rolling)'}
      </button>
      {start && (
        <span data-testid="recycle-all-progress" role="status">
          {Math.min(done, start.total)} / {start.total} recycled
        </span>
      )}
      {result && (
        <span className="muted" data-testid="recycle-all-result">
          {result}
        </span>
      )}
      <MinMaxHint />
    </div>
  );
}

function MinMaxHint() {
  const pool = useConfig((s) => s.config?.pool);
  if (!pool) return null;
  return (
    <span className="muted">
      scales between {pool.minWorkers} and {pool.maxWorkers}
    </span>
  );
}

/** Restart stops every worker and starts fresh ones; asks first because in-flight work is drained. */
function RestartPool() {
  const [state, setState] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [msg, setMsg] = useState<string | null>(null);
  const run = async () => {
    setState('busy');
    try {
      await api().restartPool({});
      setMsg('Pool restarted.');
    } catch (err) {
      setMsg(`Restart failed: ${errorText(err)}`);
    } finally {
      setState('idle');
    }
  };
  if (state === 'confirm')
    return (
      <span className="row" role="group" aria-label="Confirm pool restart">
        <span>Drain and restart every worker?</span>
        <button className="btn danger" data-testid="restart-pool-confirm" onClick={() => void run()}>
          Restart
        </button>
        <button className="btn" onClick={() => setState('idle')}>
          Cancel
        </button>
      </span>
    );
  return (
    <span className="row">
      <button className="btn" data-testid="restart-pool" disabled={state === 'busy'} onClick={() => setState('confirm')}>
        {state === 'busy' ? 'Restarting…' : 'Restart pool'}
      </button>
      {msg && <span className="muted">{msg}</span>}
    </span>
  );
}

/** Suspect (no answer yet, pipes still) is shown before the health verdict, with its age. */
function healthCell(w: WorkerStats) {
  if (w.suspectForMs !== undefined) {
    const verdict = w.healthy ? 'suspect' : 'unhealthy';
    return <span className={w.healthy ? 'warn-text' : 'error-text'}>{`${verdict} · no answer for ${formatDuration(w.suspectForMs)}`}</span>;
  }
  return w.healthy ? <span className="ok-text">healthy</span> : <span className="error-text">unhealthy</span>;
}
