// An experiment as chart rows: throughput and p99 (medians over rounds, with
// their spread) against the first varied setting, one line per value of the
// second; in capacity mode p99 against the offered rate, one line per setting
// combination. Pure and shared, so the Tuning view (recharts) and the exported
// HTML report (server-side SVG) draw the same points in the same colours.
import type { Experiment, SettingValue, TuningPoint, TuningSetting, TuningStep } from './tuning';
import { pointsOf } from './tuning-points';
import { niceTicks, seriesColor, TODAY_COLOR } from './tuning-style';

export const SETTING_LABELS: Record<TuningSetting, string> = {
  workers: 'workers',
  concurrencyPerWorker: 'concurrency per worker',
  loadBalancingStrategy: 'strategy',
  messageQueueSize: 'pool queue size',
  workerQueueSize: 'worker queue size',
  maxMessagesPerWorker: 'recycle after N messages',
  workerRecycleInterval: 'recycle after (ms)',
  maxWorkerMemoryMB: 'RSS limit (MB)',
};

const SHORT: Record<TuningSetting, (v: SettingValue) => string> = {
  workers: (v) => `${v} workers`,
  concurrencyPerWorker: (v) => `${v} per worker`,
  loadBalancingStrategy: (v) => String(v),
  messageQueueSize: (v) => `queue ${v}`,
  workerQueueSize: (v) => `worker queue ${v}`,
  maxMessagesPerWorker: (v) => `recycle after ${v} messages`,
  workerRecycleInterval: (v) => `recycle after ${v} ms`,
  maxWorkerMemoryMB: (v) => `RSS limit ${v} MB`,
};

/** "8 workers × 200 per worker" */
export const stepLabel = (settings: TuningStep['settings']): string =>
  (Object.entries(settings) as [TuningSetting, SettingValue][]).map(([k, v]) => SHORT[k](v)).join(' × ');

export type TuningMetric = 'throughput' | 'p99Ms';

export interface TuningSeriesDef {
  key: string;
  label: string;
  color: string;
  dashed?: boolean; // today's own line, when today's values are outside the grid
}

/** `<key>_err`: [median − min, max − median] over the rounds (an error bar). */
export interface TuningRow {
  x: string; // the first setting's value, or the offered rate, as text
  [key: string]: number | string | null | [number, number];
}

export interface TuningChart {
  metric: TuningMetric;
  unit: string;
  xLabel: string;
  rows: TuningRow[];
  series: TuningSeriesDef[];
  knee?: { x: string; key: string }; // the recommended point
  current?: string; // the live pool's value of the first setting
  budget?: number; // capacity mode: the p99 budget, drawn as a line
  ticks: number[]; // round y ticks from 0
}

const same = (a: SettingValue | undefined, b: SettingValue | undefined) => a !== undefined && String(a) === String(b);
const UNITS: Record<TuningMetric, string> = { throughput: 'msg/s', p99Ms: 'ms' };

function put(row: TuningRow, key: string, p: TuningPoint, metric: TuningMetric): void {
  const v = p[metric];
  row[key] = v.median;
  row[`${key}_err`] = [v.median - v.min, v.max - v.median];
}

function finish(chart: Omit<TuningChart, 'ticks'>): TuningChart {
  let max = chart.budget ?? 0;
  for (const r of chart.rows)
    for (const s of chart.series) {
      const v = r[s.key];
      const e = r[`${s.key}_err`];
      if (typeof v === 'number') max = Math.max(max, v + (Array.isArray(e) ? e[1] : 0));
    }
  return { ...chart, ticks: niceTicks(max) };
}

/** Throughput or p99 (medians over rounds, with their spread) against the first varied setting. */
export function tuningChart(exp: Experiment, metric: TuningMetric): TuningChart {
  const [first, second] = exp.spec.vary;
  const primary = first!.setting;
  // x positions: the values in the order given, plus today's value where it falls (numbers in order)
  const xs: SettingValue[] = [...first!.values];
  const today = exp.current[primary];
  if (today !== undefined && !xs.some((v) => same(v, today))) {
    const at = typeof today === 'number' ? xs.findIndex((v) => typeof v === 'number' && v > today) : 0;
    xs.splice(at < 0 ? xs.length : at, 0, today);
  }
  const series: TuningSeriesDef[] = second
    ? second.values.map((v, j) => ({ key: `s${j}`, label: SHORT[second.setting](v), color: seriesColor(j) }))
    : [{ key: 's0', label: metric === 'throughput' ? 'answered msg/s' : 'p99', color: seriesColor(0) }];
  const keyOf = (settings: TuningStep['settings']): string | undefined => {
    if (!second) return 's0';
    const j = second.values.findIndex((v) => same(v, settings[second.setting]));
    return j >= 0 ? `s${j}` : undefined;
  };
  // a baseline outside the grid (today's second value not among those tried) gets its own point
  const todayKey = 'today';
  const rows: TuningRow[] = xs.map((x) => ({ x: String(x) }));
  for (const r of rows) for (const s of series) r[s.key] = null;
  let usesToday = false;
  for (const p of pointsOf(exp)) {
    const row = rows.find((r) => r.x === String(p.settings[primary]));
    let key = keyOf(p.settings);
    if (!key && p.baseline) {
      key = todayKey;
      usesToday = true;
    }
    if (row && key) put(row, key, p, metric);
  }
  if (usesToday) {
    series.push({ key: todayKey, label: 'today', color: TODAY_COLOR, dashed: true });
    for (const r of rows) r[todayKey] ??= null;
  }
  const chart: Omit<TuningChart, 'ticks'> = { metric, unit: UNITS[metric], xLabel: SETTING_LABELS[primary], rows, series };
  const kneeStep = exp.recommendation?.step ?? exp.kneeStep;
  const ks = kneeStep === undefined || kneeStep === null ? undefined : exp.steps[kneeStep];
  if (ks) chart.knee = { x: String(ks.settings[primary]), key: keyOf(ks.settings) ?? todayKey };
  if (today !== undefined) chart.current = String(today);
  return finish(chart);
}

/** Capacity mode: p99 against the offered rate, one line per setting combination (the latency–throughput curve). */
export function capacityChart(exp: Experiment): TuningChart {
  const points = pointsOf(exp);
  const groups = [...new Map(points.map((p) => [p.group, p])).values()].sort((a, b) => a.group - b.group);
  const series: TuningSeriesDef[] = groups.map((p, j) => ({
    key: `g${p.group}`,
    label: `${stepLabel(p.settings)}${p.baseline ? ' (today)' : ''}`,
    color: seriesColor(j),
  }));
  const rates = [...new Set(exp.steps.map((s) => s.target))].sort((a, b) => a - b);
  const rows: TuningRow[] = rates.map((r) => ({ x: String(r) }));
  for (const r of rows) for (const s of series) r[s.key] = null;
  for (const p of points)
    put(
      rows.find((r) => r.x === String(p.target))!,
      `g${p.group}`,
      p,
      'p99Ms',
    );
  const chart: Omit<TuningChart, 'ticks'> = { metric: 'p99Ms', unit: 'ms', xLabel: 'offered msg/s', rows, series };
  const rec = exp.recommendation;
  const ks = rec?.step === undefined || rec.step === null ? undefined : exp.steps[rec.step];
  if (ks) chart.knee = { x: String(ks.target), key: `g${ks.group}` };
  if (exp.spec.p99BudgetMs !== undefined) chart.budget = exp.spec.p99BudgetMs;
  return finish(chart);
}
