// Chart series from metrics samples. Pure and memoisable: the charts view
// calls buildCharts once per history arrival, never per render. Built for
// 86,400 samples: one pass fills typed columns, LTTB works on those, and each
// chart shares one row set (union of its series' picks, each series given an
// equal share of the point budget) so every line draws ~maxPoints points.
import type { MetricsSample } from '../../../common/contract';
import { CHART_TABLE, PALETTE, type ChartId, type ColumnDef, type SampleField } from './charts';
import { lttbIndices } from './lttb';

export { PALETTE, type ChartId } from './charts';

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

export const MAX_RSS_WORKERS = 8;

type Columns = Map<string, Float64Array>;
// every column any table entry draws, once (two charts may share one)
const COLUMN_DEFS: ColumnDef[] = [
  ...new Map(CHART_TABLE.flatMap((c): readonly ColumnDef[] => (c.series === 'perWorkerRss' ? [] : c.series)).map((d) => [d.key, d])).values(),
];

/**
 * Rows are handed to recharts frozen. recharts 3 keeps a chart's data in its
 * Immer-backed store, and Immer walks every new object it is given (to
 * finalize and deep-freeze it) unless it is already frozen: 500 rows × 6
 * charts walked key by key on each data change, plus the garbage of that
 * walk. Freezing them here, where they are made, makes that walk return at
 * the array. Rows are never changed after they are built anyway.
 */
function frozen(rows: Row[]): Row[] {
  for (let i = 0; i < rows.length; i++) Object.freeze(rows[i]);
  return Object.freeze(rows) as Row[];
}

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

/**
 * Every numeric sample field as a typed column, in ONE pass over the samples:
 * 86,400 sample objects lie scattered in the heap, so a pass per column costs
 * a cache miss per sample per column, and a generic accessor per column makes
 * its call site megamorphic. The table's lines then pick their field's column.
 */
function sampleColumns(samples: readonly MetricsSample[]): { ts: Float64Array; fields: Record<SampleField, Float64Array> } {
  const n = samples.length;
  const col = () => new Float64Array(n);
  const ts = col();
  const f: Record<SampleField, Float64Array> = {
    throughput: col(),
    errorRate: col(),
    rejectionRate: col(),
    avgLatencyMs: col(),
    p95LatencyMs: col(),
    p99LatencyMs: col(),
    queueDepth: col(),
    queueCapacity: col(),
    inFlight: col(),
    total: col(),
    busy: col(),
    available: col(),
    healthy: col(),
  };
  const {
    throughput,
    errorRate,
    rejectionRate,
    avgLatencyMs,
    p95LatencyMs,
    p99LatencyMs,
    queueDepth,
    queueCapacity,
    inFlight,
    total,
    busy,
    available,
    healthy,
  } = f;
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    ts[i] = s.t;
    throughput[i] = s.throughput;
    // NaN marks "no value" (no traffic, or a sample from before the field): drawn as a gap
    errorRate[i] = s.errorRate ?? NaN;
    rejectionRate[i] = s.rejectionRate ?? NaN;
    avgLatencyMs[i] = s.avgLatencyMs ?? NaN;
    p95LatencyMs[i] = s.p95LatencyMs ?? NaN;
    p99LatencyMs[i] = s.p99LatencyMs ?? NaN;
    queueDepth[i] = s.queueDepth;
    queueCapacity[i] = s.queueCapacity;
    inFlight[i] = s.inFlight;
    total[i] = s.total;
    busy[i] = s.busy;
    available[i] = s.available;
    healthy[i] = s.healthy;
  }
  return { ts, fields: f };
}

function columns(samples: readonly MetricsSample[]): { ts: Float64Array; cols: Columns } {
  const { ts, fields } = sampleColumns(samples);
  const cols: Columns = new Map();
  for (const d of COLUMN_DEFS) {
    const src = fields[d.field];
    const k = d.scale ?? 1;
    if (k === 1) {
      cols.set(d.key, src);
      continue;
    }
    const a = new Float64Array(src.length);
    for (let i = 0; i < a.length; i++) a[i] = src[i]! * k;
    cols.set(d.key, a);
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

function buildSimple(id: ChartId, defs: readonly ColumnDef[], ts: Float64Array, cols: Columns, maxPoints: number): ChartData {
  const picked = defs.map((d) => cols.get(d.key)!);
  const idx = sharedIndices(ts.length, (b) => picked.map((ys) => lttbIndices(ts, ys, b)), defs.length, maxPoints);
  const rows = new Array<Row>(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    const row = { t: ts[i]! } as Row;
    for (let k = 0; k < defs.length; k++) {
      const v = picked[k]![i]!;
      row[defs[k]!.key] = Number.isNaN(v) ? null : v; // null: a gap (recharts does not connect it)
    }
    rows[r] = row;
  }
  return { id, rows: frozen(rows), series: defs.map(({ key, label, color }) => ({ key, label, color })) };
}

/** RSS in MB per worker; the most recently seen workers win when there are too many to draw. */
function buildPerWorker(id: ChartId, samples: readonly MetricsSample[], maxPoints: number): ChartData {
  const n = samples.length;
  // Memory moves slowly and a 24 h chart has ~86 s per pixel column, so the
  // per-worker reads (the costliest part: one entry per worker per sample,
  // scattered over the heap) visit every stride-th sample once there are over
  // 10 samples per point — for the worker ids as for the values, so every
  // listed worker has points to draw.
  const stride = Math.max(1, Math.floor(n / (10 * maxPoints)));
  const m = Math.ceil(n / stride);
  // walk backwards: the first MAX_RSS_WORKERS distinct ids met are the most recent ones.
  // Consecutive samples nearly always list the same workers in the same order:
  // such a sample costs a string compare per worker, not a Set add.
  const recent = new Set<string>();
  let same: readonly { id: string }[] = [];
  for (let i = (m - 1) * stride; i >= 0 && recent.size < MAX_RSS_WORKERS; i -= stride) {
    const ws = samples[i]!.workers;
    if (sameIds(ws, same)) continue;
    same = ws;
    for (let j = 0; j < ws.length && recent.size < MAX_RSS_WORKERS; j++) recent.add(ws[j]!.id);
  }
  const ids = [...recent].sort();
  const k = ids.length;
  // per worker: its lifetime as (sample index, t, MB) columns
  const at = ids.map(() => new Int32Array(m));
  const xs = ids.map(() => new Float64Array(m));
  const ys = ids.map(() => new Float64Array(m));
  const len = new Int32Array(k);
  for (let i = 0; i < n; i += stride) {
    const s = samples[i]!;
    const ws = s.workers;
    for (let q = 0; q < ws.length; q++) {
      const w = ws[q]!;
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
  return { id, rows: frozen(rows), series };
}

function sameIds(a: readonly { id: string }[], b: readonly { id: string }[]): boolean {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j]!.id !== b[j]!.id) return false;
  return true;
}

export function buildCharts(samples: readonly MetricsSample[], maxPoints = 1000): Charts {
  const { ts, cols } = columns(samples);
  const out = {} as Charts;
  for (const c of CHART_TABLE)
    out[c.id] = c.series === 'perWorkerRss' ? buildPerWorker(c.id, samples, maxPoints) : buildSimple(c.id, c.series, ts, cols, maxPoints);
  return out;
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
  for (const { id, series } of CHART_TABLE)
    out[id] = series === 'perWorkerRss' ? mergePerWorker(base[id], tail[id]) : { ...base[id], rows: frozen(base[id].rows.concat(tail[id].rows)) };
  return out;
}

/** Per-worker keys are per-chart slots; re-key the live tail onto the base's worker slots (new workers get new slots). */
function mergePerWorker(base: ChartData, tail: ChartData): ChartData {
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
  return { id: base.id, series, rows: frozen(base.rows.concat(rows)) };
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
