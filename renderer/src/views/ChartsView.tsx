import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { Chart } from '../components/Chart';
import { useWidth } from '../components/useWidth';
import { CHART_TABLE } from '../lib/charts';
import { appendLive, buildCharts, clipHistory, liveTail } from '../lib/series';
import { thresholdLines } from '../lib/thresholds';
import { useAlerts } from '../state/alerts';
import { RANGES, useMetrics } from '../state/metrics';
import { useCluster } from '../state/hosts';
import { useStats } from '../state/stats';
import { markChartsRendered } from './chartsMark';

const MAX_POINTS = 1000;
// the grid's geometry (styles.css .charts-grid, .chart; Chart's Y axis and right margin)
const CHART_MIN = 460;
const GAP = 12;
const CHROME = 20 + 46 + 28;

/** Points per series: the plot's width in pixels (rounded to 50 so a resize by a few pixels does not rebuild), at most 1,000; 0 before layout. */
export function pointBudget(gridWidth: number): number {
  if (!(gridWidth > 0)) return 0;
  const cols = Math.max(1, Math.floor((gridWidth + GAP) / (CHART_MIN + GAP)));
  const plot = (gridWidth - GAP * (cols - 1)) / cols - CHROME;
  return Math.min(MAX_POINTS, Math.max(200, Math.ceil(plot / 50) * 50));
}

/** Short ranges redraw on every live sample; long ones (where 1 s is below a pixel) every 10 s. */
const refreshEvery = (rangeMs: number) => (rangeMs <= 3_600_000 ? 1 : 10_000);

export function ChartsView() {
  const rangeMs = useMetrics((s) => s.rangeMs);
  const history = useMetrics((s) => s.history);
  const version = useMetrics((s) => s.historyVersion);
  const loading = useMetrics((s) => s.loading);
  const error = useMetrics((s) => s.error);
  const resolutionMs = useMetrics((s) => s.resolutionMs);
  const setRange = useMetrics((s) => s.setRange);
  const liveKey = useMetrics((s) => {
    const last = s.live[s.live.length - 1];
    return last ? Math.floor(last.t / refreshEvery(s.rangeMs)) : 0;
  });
  const thresholds = useAlerts((s) => s.thresholds);
  // Cluster mode: the samples are the cluster's, so are the threshold lines' bases (the stream has no bound of ours).
  const cluster = useCluster();
  const localQueueCapacity = useStats((s) => s.stats?.queueCapacity ?? 0);
  const localWorkers = useStats((s) => s.stats?.total ?? 0);
  const queueCapacity = cluster ? 0 : localQueueCapacity;
  const totalWorkers = cluster ? (cluster.totals?.workers ?? 0) : localWorkers;

  // fetch the selected range when the view opens (history is per range)
  useEffect(() => {
    void useMetrics.getState().loadHistory();
  }, []);

  // one point per pixel column of a chart's plot: more is drawn over itself (and recharts' cost grows with points)
  const [gridRef, gridWidth] = useWidth<HTMLDivElement>();
  const maxPoints = pointBudget(gridWidth);
  // the expensive part (LTTB over up to 86,400 samples) runs once per history arrival
  const base = useMemo(() => {
    // before the grid has a size there is nothing to draw: no build to throw away a frame later
    if (!maxPoints) return buildCharts([]);
    const t0 = performance.now();
    const end = history[history.length - 1]?.t ?? Date.now();
    const charts = buildCharts(clipHistory(history, rangeMs, end), maxPoints);
    performance.measure('gcc:series-build', { start: t0, end: performance.now() });
    return charts;
  }, [history, rangeMs, maxPoints]);
  // live samples after the history are appended as they are: cheap on every sample
  const { charts, from, to } = useMemo(() => {
    const live = useMetrics.getState().live;
    const to = Math.max(live[live.length - 1]?.t ?? 0, history[history.length - 1]?.t ?? 0) || Date.now();
    const tail = liveTail(history, live, rangeMs, to);
    const tailSpan = tail.length ? tail[tail.length - 1]!.t - tail[0]!.t : 0;
    const budget = Math.max(60, Math.ceil(((maxPoints || MAX_POINTS) * tailSpan) / rangeMs)); // same points per ms as the history
    return { charts: appendLive(base, tail, budget), from: to - rangeMs, to };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- liveKey changes per live sample; the memo reads the samples via getState()
  }, [base, history, rangeMs, liveKey, maxPoints]);

  const lines = useMemo(
    () => Object.fromEntries(CHART_TABLE.map(({ id }) => [id, thresholdLines(id, thresholds, { queueCapacity, totalWorkers })])),
    [thresholds, queueCapacity, totalWorkers],
  );

  useEffect(() => {
    if (version) markChartsRendered(version);
  }, [version]);

  return (
    <div className="stack">
      <div className="row">
        <h2 style={{ margin: 0 }}>Charts</h2>
        <div
          className="segmented"
          role="radiogroup"
          aria-label="Time range"
          data-testid="range-picker"
          onKeyDown={(e) => onRangeKey(e, rangeMs, setRange)}
        >
          {RANGES.map((r) => (
            <button
              key={r.ms}
              role="radio"
              aria-checked={r.ms === rangeMs}
              tabIndex={r.ms === rangeMs ? 0 : -1}
              id={`range-${r.ms}`}
              data-testid={`range-${r.label.replace(' ', '')}`}
              onClick={() => void setRange(r.ms)}
            >
              {r.label}
            </button>
          ))}
        </div>
        <span className="muted" data-testid="charts-info">
          {loading
            ? 'Loading…'
            : `${charts.throughput.rows.length} point${charts.throughput.rows.length === 1 ? '' : 's'} drawn · ${resolutionMs / 1000} s resolution`}
        </span>
        {cluster && (
          <span className="chip muted" data-testid="charts-scope">
            the cluster: {cluster.totals?.hostsUp ?? 0} host{cluster.totals?.hostsUp === 1 ? '' : 's'} up
          </span>
        )}
        {error && <span className="error-text">{error}</span>}
      </div>
      <div className="charts-grid" ref={gridRef}>
        {CHART_TABLE.map((c) => (
          <Chart
            key={c.id}
            title={c.title}
            unit={c.unit}
            data={charts[c.id]}
            lines={lines[c.id] ?? []}
            from={from}
            to={to}
            integer={'integer' in c && c.integer}
          />
        ))}
      </div>
    </div>
  );
}

/** Arrow keys move the range selection, as in any radio group. */
function onRangeKey(e: KeyboardEvent, rangeMs: number, setRange: (ms: number) => Promise<void>) {
  const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
  if (!step) return;
  e.preventDefault();
  const i = RANGES.findIndex((r) => r.ms === rangeMs);
  const next = RANGES[Math.min(RANGES.length - 1, Math.max(0, i + step))]!;
  void setRange(next.ms);
  document.getElementById(`range-${next.ms}`)?.focus();
}
