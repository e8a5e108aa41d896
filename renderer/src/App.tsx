import { lazy, Suspense, useEffect, useState, type KeyboardEvent } from 'react';
import type { HostsView as ClusterHostsView } from '../../common/contract';
import { AlertAnnouncer } from './components/Announcer';
import { formatTime } from './lib/format';
import { useAlerts } from './state/alerts';
import { useLoad } from './state/load';
import { useConnection } from './state/connection';
import { useCluster } from './state/hosts';
import { poolPhase, useStats } from './state/stats';
import { useUi, VIEWS, type ViewId } from './state/ui';
import { AlertsView } from './views/AlertsView';
import { ConfigView } from './views/ConfigView';
import { ConsoleView } from './views/ConsoleView';
import { EventsView } from './views/EventsView';
import { ExportView } from './views/ExportView';
import { HostsView } from './views/HostsView';
import { OverviewView } from './views/OverviewView';
import { PythonView } from './views/PythonView';
import { WorkersView } from './views/WorkersView';

// recharts is most of the bundle: the charts view is its own chunk so the first
// paint does not download and parse it. It is fetched once the app is idle, so
// opening Charts later does not wait on the network either.
const loadCharts = () => import('./views/ChartsView');
const ChartsView = lazy(() => loadCharts().then((m) => ({ default: m.ChartsView })));
// the tuning assistant draws with recharts too: its own chunk, fetched when opened
const TuningView = lazy(() => import('./views/TuningView').then((m) => ({ default: m.TuningView })));

const VIEW_COMPONENTS: Record<ViewId, React.ComponentType> = {
  overview: OverviewView,
  workers: WorkersView,
  hosts: HostsView,
  charts: ChartsView,
  tuning: TuningView,
  config: ConfigView,
  alerts: AlertsView,
  events: EventsView,
  console: ConsoleView,
  export: ExportView,
  python: PythonView,
};

export function App() {
  const view = useUi((s) => s.view);
  const View = VIEW_COMPONENTS[view];
  useEffect(() => {
    const prefetch = () => void loadCharts().catch(() => undefined); // a failed prefetch retries when the view opens
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(prefetch, { timeout: 3_000 });
      return () => cancelIdleCallback(id);
    }
    const t = setTimeout(prefetch, 1_000);
    return () => clearTimeout(t);
  }, []);
  return (
    <div className="app">
      <TopBar />
      <div className="banners">
        <ConnectionBanner />
        <PoolBanner />
      </div>
      <Sidebar />
      <main className="content" id="view" role="tabpanel" aria-labelledby={`nav-${view}`} data-testid={`view-${view}`}>
        <Suspense
          fallback={
            <p className="muted" role="status">
              Loading charts…
            </p>
          }
        >
          <View />
        </Suspense>
      </main>
      <AlertAnnouncer />
    </div>
  );
}

function TopBar() {
  const mode = useConnection((s) => s.mode);
  const status = useConnection((s) => s.status);
  const stats = useStats((s) => s.stats);
  const cluster = useCluster();
  const phase = poolPhase(stats);
  const tone = phase === 'running' ? 'ok' : phase === 'starting' || phase === 'connecting' ? 'muted' : 'crit';
  const text = {
    connecting: 'Waiting for pool',
    starting: 'Starting workers',
    'python-problem': 'Python environment problem',
    'no-healthy': 'No healthy workers',
    running: `${stats?.healthy ?? 0}/${stats?.total ?? 0} workers healthy`,
  }[phase];
  return (
    <header className="topbar">
      <h1>Greenlet Control Center</h1>
      {cluster ? (
        <ClusterChip view={cluster} />
      ) : (
        <span className={`chip ${tone}`} data-testid="pool-status" data-phase={phase}>
          {text}
        </span>
      )}
      {stats && !cluster && (
        <span className="muted topbar-strategy" title={`strategy ${stats.strategy}`}>
          strategy {stats.strategy}
        </span>
      )}
      <LoadChip />
      <span className="spacer" />
      <span className="muted">{mode === 'electron' ? 'Desktop' : 'Headless'}</span>
      <span
        className={`chip ${status === 'connected' ? 'ok' : status === 'lost' ? 'crit' : 'muted'}`}
        data-testid="connection-status"
        data-status={status}
        role="status"
        aria-label={`Connection: ${status === 'connected' ? 'live' : status === 'lost' ? 'disconnected' : 'connecting'}`}
      >
        {status === 'connected' ? 'Live' : status === 'lost' ? 'Disconnected' : 'Connecting'}
      </span>
    </header>
  );
}

/** Cluster mode: the header speaks for the cluster's workers, not the control center's local pool. */
function ClusterChip({ view }: { view: ClusterHostsView }) {
  const t = view.totals;
  const tone = !t ? 'muted' : t.healthy > 0 ? 'ok' : 'crit';
  const text = !t ? 'Connecting to the cluster' : `${t.healthy}/${t.workers} workers healthy on ${t.hostsUp} host${t.hostsUp === 1 ? '' : 's'}`;
  return (
    <span
      className={`chip ${tone}`}
      data-testid="pool-status"
      data-phase={!t ? 'connecting' : t.healthy > 0 ? 'running' : 'no-healthy'}
      data-scope="cluster"
    >
      {text}
    </span>
  );
}

const RESTORED_NOTICE_MS = 5_000;

function ConnectionBanner() {
  const status = useConnection((s) => s.status);
  const lostAt = useConnection((s) => s.lostAt);
  const restoredAt = useConnection((s) => s.restoredAt);
  const unauthorized = useConnection((s) => s.unauthorized);
  const [, rerender] = useState(0);
  const restoredFor = restoredAt ? Date.now() - restoredAt : Infinity;
  // one timer only while the "restored" notice shows, to take it down again
  useEffect(() => {
    if (status !== 'connected' || restoredFor >= RESTORED_NOTICE_MS) return;
    const t = setTimeout(() => rerender((n) => n + 1), RESTORED_NOTICE_MS - restoredFor);
    return () => clearTimeout(t);
  }, [restoredAt, status, restoredFor]);
  if (unauthorized)
    return (
      <div className="banner crit" role="alert" data-testid="banner-unauthorized">
        <strong>Not authorized</strong>
        <span>
          The server refuses this tab’s access token (it was started with another one, or the token was rotated). To get in, open the address the
          server printed at start (it ends in <code>#token=…</code>), or paste the token from <code>&lt;data dir&gt;/token</code> into{' '}
          <code>#token=</code> at the end of this page’s address.
        </span>
      </div>
    );
  if (status === 'lost')
    return (
      <div className="banner crit" role="alert" data-testid="banner-connection-lost">
        <strong>Connection to the host lost</strong>
        <span>{lostAt ? `since ${formatTime(lostAt)}` : ''} — reconnecting automatically; the figures below are frozen.</span>
      </div>
    );
  if (status === 'connected' && restoredFor < RESTORED_NOTICE_MS)
    return (
      <div className="banner ok" role="status" data-testid="banner-connection-restored">
        <strong>Connection restored</strong> <span>Live data resynced.</span>
      </div>
    );
  if (status === 'connecting')
    return (
      <div className="banner info" role="status" data-testid="banner-connecting">
        Connecting to the control center…
      </div>
    );
  return null;
}

function PoolBanner() {
  const stats = useStats((s) => s.stats);
  const setView = useUi((s) => s.setView);
  const cluster = useCluster() !== null;
  const phase = poolPhase(stats);
  // In cluster mode messages never go to the local pool: its trouble is named as the local pool's only.
  if (cluster && phase !== 'python-problem') return null;
  if (phase === 'python-problem')
    return (
      <div className="banner crit" role="alert" data-testid="banner-python-problem">
        <strong>{cluster ? "The local pool's workers cannot start" : 'Workers cannot start'}</strong>
        <pre data-testid="start-error">{stats?.startError}</pre>
        <button className="btn small" onClick={() => setView('python')}>
          Check Python environment
        </button>
      </div>
    );
  if (phase === 'no-healthy')
    return (
      <div className="banner crit" role="alert" data-testid="banner-no-healthy">
        <strong>No healthy workers</strong> <span>Messages cannot be processed until a worker recovers.</span>
      </div>
    );
  if (phase === 'starting')
    return (
      <div className="banner info" role="status" data-testid="banner-starting">
        Starting workers…
      </div>
    );
  return null;
}

function Sidebar() {
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const activeAlerts = useAlerts((s) => s.active.length);
  // roving focus: arrow keys move between views, as in any tab list
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    const i = VIEWS.findIndex((v) => v.id === view);
    const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    let next = -1;
    if (step) next = (i + step + VIEWS.length) % VIEWS.length;
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = VIEWS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    setView(VIEWS[next]!.id);
    document.getElementById(`nav-${VIEWS[next]!.id}`)?.focus();
  };
  return (
    <nav className="sidebar" role="tablist" aria-orientation="vertical" aria-label="Views" onKeyDown={onKey}>
      {VIEWS.map((v) => (
        <button
          key={v.id}
          id={`nav-${v.id}`}
          role="tab"
          aria-selected={v.id === view}
          aria-controls="view"
          tabIndex={v.id === view ? 0 : -1}
          data-testid={`nav-${v.id}`}
          onClick={() => setView(v.id)}
        >
          {v.label}
          {v.id === 'alerts' && activeAlerts > 0 && <span className="count">{activeAlerts}</span>}
        </button>
      ))}
    </nav>
  );
}

/** Synthetic load changes every figure on screen: say so in the header while it runs. */
function LoadChip() {
  const status = useLoad((s) => s.status);
  const setView = useUi((s) => s.setView);
  if (!status?.running) return null;
  return (
    <button
      className="chip warn"
      style={{ cursor: 'pointer', font: 'inherit', fontSize: 12.5 }}
      data-testid="load-chip"
      onClick={() => setView('console')}
    >
      synthetic load {status.rate} msg/s · {status.sent.toLocaleString('en-US')} sent
    </button>
  );
}
