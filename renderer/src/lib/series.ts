// Chart series from metrics samples. Pure and memoisable: the charts view
// calls buildCharts once per history arrival, never per render. Built for
// 86,400 samples: one pass fills typed columns, LTTB works on those, and each
// chart shares one row set (union of its series' picks, each series given an
// equal share of the point budget) so every line draws ~maxPoints points.
import type { MetricsSample } from '../../../preload/contract';
import { lttbIndices } from './lttb';

export type ChartId = 'throughput' | 'latency' | 'errorRate' | 'queue' | 'workers' | 'rss';

export interface SeriesDef {
  key: string;
  label: string;
  color: string;
}

export type Row = { t: number } & Record<string, number | null>;

export interface ChartData {
  id: ChartId;
  rows: Row[];
  series: SeriesDef[];
}

export type Charts = Record<ChartId, ChartData>;

export const PALETTE = ['#3b82f6', '#f59e0b', '#ef4444', '#10b981', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16'];
export const MAX_RSS_WORKERS = 8;

type SimpleId = Exclude<ChartId, 'rss'>;
// column name → value of one sample, in the chart's unit
const COLUMNS = {
  throughput: (s: MetricsSample) => s.throughput,
  avg: (s: MetricsSample) => s.avgLatencyMs,
  p95: (s: MetricsSample) => s.p95LatencyMs,
  p99: (s: MetricsSample) => s.p99LatencyMs,
  errorPct: (s: MetricsSample) => s.errorRate * 100,
  queueDepth: (s: MetricsSample) => s.queueDepth,
  busy: (s: MetricsSample) => s.busy,
  available: (s: MetricsSample) => s.available,
  healthy: (s: MetricsSample) => s.healthy,
};
type ColKey = keyof typeof COLUMNS;

const SERIES: Record<SimpleId, { key: ColKey; label: string; color: string }[]> = {
  throughput: [{ key: 'throughput', label: 'Throughput (msg/s)', color: PALETTE[0]! }],
  latency: [
    { key: 'avg', label: 'Average', color: PALETTE[0]! },
    { key: 'p95', label: 'p95', color: PALETTE[1]! },
    { key: 'p99', label: 'p99', color: PALETTE[4]! } /* not red: red is the critical threshold */,
  ],
  errorRate: [{ key: 'errorPct', label: 'Error rate (%)', color: PALETTE[2]! }],
  queue: [{ key: 'queueDepth', label: 'Queue depth', color: PALETTE[4]! }],
  workers: [
    { key: 'busy', label: 'Busy', color: PALETTE[1]! },
    { key: 'available', label: 'Available', color: PALETTE[3]! },
    { key: 'healthy', label: 'Healthy', color: PALETTE[0]! },
  ],
};

const share = (maxPoints: number, k: number) => Math.max(3, Math.ceil(maxPoints / Math.max(1, k)));

/** Marks the union of per-series LTTB picks, so every series keeps its own peaks. */
function unionIndices(n: number, picks: number[][]): number[] {
  if (picks.length === 1) return picks[0]!;
  const mark = new Uint8Array(n);
  for (const p of picks) for (const i of p) mark[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mark[i]) out.push(i);
  return out;
}

function columns(samples: readonly MetricsSample[]) {
  const n = samples.length;
  const ts = new Float64Array(n);
  const cols = Object.fromEntries(Object.keys(COLUMNS).map((k) => [k, new Float64Array(n)])) as Record<ColKey, Float64Array>;
  const { throughput, avg, p95, p99, errorPct, queueDepth, busy, available, healthy } = cols;
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    ts[i] = s.t;
    throughput[i] = s.throughput;
    avg[i] = s.avgLatencyMs;
    p95[i] = s.p95LatencyMs;
    p99[i] = s.p99LatencyMs;
    errorPct[i] = s.errorRate * 100;
    queueDepth[i] = s.queueDepth;
    busy[i] = s.busy;
    available[i] = s.available;
    healthy[i] = s.healthy;
  }
  return { ts, cols };
}

/**
 * Union of per-series LTTB picks close to `maxPoints` rows: series that move
 * together pick the same points, so the share grows until the union fills
 * the budget (two refinements at most).
 */
export function sharedIndices(n: number, pick: (budget: number) => number[][], k: number, maxPoints: number): number[] {
  let budget = share(maxPoints, k);
  let idx = unionIndices(n, pick(budget));
  for (let round = 0; round < 2 && idx.length < 0.9 * maxPoints && idx.length < n && budget < n; round++) {
    budget = Math.min(n, Math.ceil((budget * maxPoints) / Math.max(1, idx.length)));
    idx = unionIndices(n, pick(budget));
  }
  return idx;
}

function buildSimple(id: SimpleId, ts: Float64Array, cols: Record<ColKey, Float64Array>, maxPoints: number): ChartData {
  const defs = SERIES[id];
  const idx = sharedIndices(ts.length, (b) => defs.map((d) => lttbIndices(ts, cols[d.key], b)), defs.length, maxPoints);
  const rows = new Array<Row>(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    const row = { t: ts[i]! } as Row;
    for (const d of defs) row[d.key] = cols[d.key][i]!;
    rows[r] = row;
  }
  return { id, rows, series: defs.map(({ key, label, color }) => ({ key, label, color })) };
}

/** RSS in MB per worker; the most recently seen workers win when there are too many to draw. */
function buildRss(samples: readonly MetricsSample[], maxPoints: number): ChartData {
  const n = samples.length;
  // walk backwards: the first MAX_RSS_WORKERS distinct ids met are the most recent ones
  const recent: string[] = [];
  for (let i = n - 1; i >= 0 && recent.length < MAX_RSS_WORKERS; i--)
    for (const w of samples[i]!.workers) if (recent.length < MAX_RSS_WORKERS && !recent.includes(w.id)) recent.push(w.id);
  const ids = recent.sort();
  const k = ids.length;
  // Memory moves slowly and a 24 h chart has ~86 s per pixel column, so the
  // per-worker scan (the costliest part: one entry per worker per sample)
  // reads every stride-th sample once there are over 10 samples per point.
  const stride = Math.max(1, Math.floor(n / (10 * maxPoints)));
  const m = Math.ceil(n / stride);
  // per worker: its lifetime as (sample index, t, MB) columns
  const at = ids.map(() => new Int32Array(m));
  const xs = ids.map(() => new Float64Array(m));
  const ys = ids.map(() => new Float64Array(m));
  const len = new Int32Array(k);
  for (let i = 0; i < n; i += stride) {
    const s = samples[i]!;
    for (const w of s.workers) {
      const slot = ids.indexOf(w.id); // k ≤ 8: a scan beats a Map lookup
      if (slot < 0 || !(w.rssBytes > 0)) continue; // 0 = not measured yet: a gap, not a drop to zero
      const j = len[slot]!++;
      at[slot]![j] = i;
      xs[slot]![j] = s.t;
      ys[slot]![j] = w.rssBytes / 1_048_576;
    }
  }
  const pick = (b: number) =>
    ids.map((_, slot) => lttbIndices(xs[slot]!.subarray(0, len[slot]), ys[slot]!.subarray(0, len[slot]), b).map((j) => at[slot]![j]!));
  const idx = sharedIndices(n, pick, k, maxPoints);
  const keys = ids.map((_, slot) => `rss${slot}`);
  const rows = idx.map((i) => {
    const s = samples[i]!;
    const row = { t: s.t } as Row;
    for (const key of keys) row[key] = null;
    for (const w of s.workers) {
      const slot = ids.indexOf(w.id);
      if (slot >= 0 && w.rssBytes > 0) row[keys[slot]!] = w.rssBytes / 1_048_576;
    }
    return row;
  });
  const series = ids.map((id, slot) => ({ key: keys[slot]!, label: id, color: PALETTE[slot % PALETTE.length]! }));
  return { id: 'rss', rows, series };
}

export function buildCharts(samples: readonly MetricsSample[], maxPoints = 1000): Charts {
  const { ts, cols } = columns(samples);
  return {
    throughput: buildSimple('throughput', ts, cols, maxPoints),
    latency: buildSimple('latency', ts, cols, maxPoints),
    errorRate: buildSimple('errorRate', ts, cols, maxPoints),
    queue: buildSimple('queue', ts, cols, maxPoints),
    workers: buildSimple('workers', ts, cols, maxPoints),
    rss: buildRss(samples, maxPoints),
  };
}

/**
 * Downsampled history plus the live samples that arrived after it, as rows.
 * The history part is built once per arrival; live samples (a handful per
 * refresh) are appended as they are, so streaming never re-shapes 86,400 samples.
 */
export function appendLive(base: Charts, live: readonly MetricsSample[], maxPoints = Number.MAX_SAFE_INTEGER): Charts {
  if (!live.length) return base;
  // a view left open for an hour grows a long tail: it is downsampled to the same density as the history
  const tail = buildCharts(live, maxPoints);
  const out = {} as Charts;
  for (const id of Object.keys(base) as ChartId[]) {
    if (id === 'rss') {
      out.rss = mergeRss(base.rss, tail.rss);
      continue;
    }
    out[id] = { ...base[id], rows: base[id].rows.concat(tail[id].rows) };
  }
  return out;
}

/** RSS keys are per-chart slots; re-key the live tail onto the base's worker slots (new workers get new slots). */
function mergeRss(base: ChartData, tail: ChartData): ChartData {
  const series = [...base.series];
  const keyOf = new Map(series.map((s) => [s.label, s.key]));
  for (const s of tail.series) {
    if (keyOf.has(s.label) || series.length >= MAX_RSS_WORKERS) continue;
    const key = `rss${series.length}`;
    keyOf.set(s.label, key);
    series.push({ key, label: s.label, color: PALETTE[series.length % PALETTE.length]! });
  }
  const rows = tail.rows.map((r) => {
    const row = { t: r.t } as Row;
    for (const s of series) row[s.key] = null;
    for (const s of tail.series) {
      const key = keyOf.get(s.label);
      if (key) row[key] = r[s.key] ?? null;
    }
    return row;
  });
  return { id: 'rss', series, rows: base.rows.concat(rows) };
}

/** History samples inside [now - range, now]. */
export function clipHistory(history: readonly MetricsSample[], rangeMs: number, now: number): readonly MetricsSample[] {
  const from = now - rangeMs;
  let start = 0;
  while (start < history.length && history[start]!.t < from) start++;
  return start === 0 ? history : history.slice(start);
}

/** Live samples newer than the history's last one and inside the range, so nothing is drawn twice. */
export function liveTail(history: readonly MetricsSample[], live: readonly MetricsSample[], rangeMs: number, now: number): MetricsSample[] {
  const lastT = history.length ? history[history.length - 1]!.t : -Infinity;
  const from = now - rangeMs;
  return live.filter((s) => s.t > lastT && s.t >= from);
}

/** History plus live tail as one sample list (tests and exports). */
export function mergeSamples(history: readonly MetricsSample[], live: readonly MetricsSample[], rangeMs: number, now: number): MetricsSample[] {
  return [...clipHistory(history, rangeMs, now), ...liveTail(history, live, rangeMs, now)];
}
