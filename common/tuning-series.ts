// An experiment as chart rows: throughput and p99 against the first varied
// setting, one line per value of the second. Pure and shared, so the Tuning
// view (recharts) and the exported HTML report (server-side SVG) draw the
// same points. Imports only types.
import type { Experiment, SettingValue, TuningSetting, TuningStep } from './tuning';

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
}

export interface TuningRow {
  x: string; // the first setting's value, as text
  [key: string]: number | string | null;
}

export interface TuningChart {
  metric: TuningMetric;
  xLabel: string;
  rows: TuningRow[];
  series: TuningSeriesDef[];
  knee?: { x: string; key: string }; // the recommended step's point
  current?: string; // the live pool's value of the first setting
}

const same = (a: SettingValue | undefined, b: SettingValue | undefined) => a !== undefined && String(a) === String(b);

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
    ? second.values.map((v, j) => ({ key: `s${j}`, label: SHORT[second.setting](v) }))
    : [{ key: 's0', label: metric === 'throughput' ? 'throughput (msg/s)' : 'p99 (ms)' }];
  const keyOf = (step: TuningStep): string | undefined => {
    if (!second) return 's0';
    const j = second.values.findIndex((v) => same(v, step.settings[second.setting]));
    return j >= 0 ? `s${j}` : undefined;
  };
  // a baseline step outside the grid (today's second value not among those tried) gets its own point
  const todayKey = 'today';
  const rows: TuningRow[] = xs.map((x) => ({ x: String(x) }));
  for (const r of rows) for (const s of series) r[s.key] = null;
  let usesToday = false;
  for (const step of exp.steps) {
    if (step.status !== 'done') continue;
    const row = rows.find((r) => r.x === String(step.settings[primary]));
    let key = keyOf(step);
    if (!key && step.baseline) {
      key = todayKey;
      usesToday = true;
    }
    if (row && key) row[key] = metric === 'throughput' ? step.throughput : step.p99Ms;
  }
  if (usesToday) {
    series.push({ key: todayKey, label: 'today' });
    for (const r of rows) r[todayKey] ??= null;
  }
  const chart: TuningChart = { metric, xLabel: `${SETTING_LABELS[primary]}`, rows, series };
  const rec = exp.recommendation;
  const kneeStep = rec?.step ?? exp.kneeStep;
  const ks = kneeStep === undefined || kneeStep === null ? undefined : exp.steps[kneeStep];
  if (ks) chart.knee = { x: String(ks.settings[primary]), key: keyOf(ks) ?? todayKey };
  if (today !== undefined) chart.current = String(today);
  return chart;
}
