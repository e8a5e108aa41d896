// Chart series from metrics samples. Pure and memoisable: the charts view
// calls buildCharts once per (samples, range) change, never per render.
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

export const PALETTE = ['#3b82f6', '#f59e0b', '#ef4444', '#10b981', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16'];
export const MAX_RSS_WORKERS = 8;

type Col = (s: MetricsSample) => number;
interface ColDef extends SeriesDef {
  get: Col;
}

const DEFS: Record<Exclude<ChartId, 'rss'>, ColDef[]> = {
  throughput: [{ key: 'throughput', label: 'Throughput (msg/s)', color: PALETTE[0]!, get: (s) => s.throughput }],
  latency: [
    { key: 'avg', label: 'Average', color: PALETTE[0]!, get: (s) => s.avgLatencyMs },
    { key: 'p95', label: 'p95', color: PALETTE[1]!, get: (s) => s.p95LatencyMs },
    { key: 'p99', label: 'p99', color: PALETTE[2]!, get: (s) => s.p99LatencyMs },
  ],
  errorRate: [{ key: 'errorPct', label: 'Error rate (%)', color: PALETTE[2]!, get: (s) => s.errorRate * 100 }],
  queue: [{ key: 'queueDepth', label: 'Queue depth', color: PALETTE[4]!, get: (s) => s.queueDepth }],
  workers: [
    { key: 'busy', label: 'Busy', color: PALETTE[1]!, get: (s) => s.busy },
    { key: 'available', label: 'Available', color: PALETTE[3]!, get: (s) => s.available },
    { key: 'healthy', label: 'Healthy', color: PALETTE[0]!, get: (s) => s.healthy },
  ],
};

/** Marks the union of per-series LTTB picks, so every series keeps its own peaks. */
function unionIndices(n: number, picks: number[][]): number[] {
  const mark = new Uint8Array(n);
  for (const p of picks) for (const i of p) mark[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mark[i]) out.push(i);
  return out;
}

function buildSimple(id: Exclude<ChartId, 'rss'>, samples: readonly MetricsSample[], ts: Float64Array, maxPoints: number): ChartData {
  const defs = DEFS[id];
  const n = samples.length;
  const cols = defs.map((d) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = d.get(samples[i]!);
    return c;
  });
  const idx = unionIndices(
    n,
    cols.map((c) => lttbIndices(ts, c, maxPoints)),
  );
  const rows = idx.map((i) => {
    const row: Row = { t: ts[i]! } as Row;
    defs.forEach((d, k) => (row[d.key] = cols[k]![i]!));
    return row;
  });
  return { id, rows, series: defs.map(({ key, label, color }) => ({ key, label, color })) };
}

/** RSS in MB per worker; the most recently seen workers win when there are too many to draw. */
function buildRss(samples: readonly MetricsSample[], maxPoints: number): ChartData {
  const lastSeen = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) for (const w of samples[i]!.workers) lastSeen.set(w.id, i);
  const ids = [...lastSeen.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_RSS_WORKERS)
    .map(([id]) => id)
    .sort();
  const slot = new Map(ids.map((id, k) => [id, k]));
  const n = samples.length;
  // per-worker sub-series: sample index + value, for LTTB over that worker's lifetime only
  const sub = ids.map(() => ({ at: [] as number[], xs: [] as number[], ys: [] as number[] }));
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    for (const w of s.workers) {
      const k = slot.get(w.id);
      if (k === undefined) continue;
      const ser = sub[k]!;
      ser.at.push(i);
      ser.xs.push(s.t);
      ser.ys.push(w.rssBytes / 1_048_576);
    }
  }
  const picks = sub.map((ser) => lttbIndices(ser.xs, ser.ys, maxPoints).map((j) => ser.at[j]!));
  const idx = unionIndices(n, picks);
  const rows = idx.map((i) => {
    const s = samples[i]!;
    const row: Row = { t: s.t } as Row;
    ids.forEach((_, k) => (row[`rss${k}`] = null));
    for (const w of s.workers) {
      const k = slot.get(w.id);
      if (k !== undefined) row[`rss${k}`] = w.rssBytes / 1_048_576;
    }
    return row;
  });
  const series = ids.map((id, k) => ({ key: `rss${k}`, label: id, color: PALETTE[k % PALETTE.length]! }));
  return { id: 'rss', rows, series };
}

export function buildCharts(samples: readonly MetricsSample[], maxPoints = 1000): Record<ChartId, ChartData> {
  const ts = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) ts[i] = samples[i]!.t;
  return {
    throughput: buildSimple('throughput', samples, ts, maxPoints),
    latency: buildSimple('latency', samples, ts, maxPoints),
    errorRate: buildSimple('errorRate', samples, ts, maxPoints),
    queue: buildSimple('queue', samples, ts, maxPoints),
    workers: buildSimple('workers', samples, ts, maxPoints),
    rss: buildRss(samples, maxPoints),
  };
}

/**
 * History for a range plus the live samples that arrived after it, clipped to
 * [now - range, now]. Live samples are only appended past the history's last
 * timestamp so nothing is drawn twice.
 */
export function mergeSamples(history: readonly MetricsSample[], live: readonly MetricsSample[], rangeMs: number, now: number): MetricsSample[] {
  const from = now - rangeMs;
  const lastT = history.length ? history[history.length - 1]!.t : -Infinity;
  let start = 0;
  while (start < history.length && history[start]!.t < from) start++;
  const out = start === 0 ? history.slice() : history.slice(start);
  for (const s of live) if (s.t > lastT && s.t >= from) out.push(s);
  return out;
}
