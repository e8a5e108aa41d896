// The one table of the Charts view, as common/contract.ts is for methods:
// each entry says what a chart is called, its unit, which sample fields it
// draws and which alert thresholds it shows. series.ts, thresholds.ts and
// ChartsView derive everything from it, so a new chart is one entry here.
import type { MetricsSample } from '../../../common/contract';
import type { AlertThresholds } from '../../../common/schemas';
import type { ThresholdContext, ThresholdLine } from './thresholds';

export const PALETTE = ['#3b82f6', '#f59e0b', '#ef4444', '#10b981', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16'];

/**
 * The per-sample numbers a line can draw (series.ts reads each with its own monomorphic loop).
 * A null or absent value (latency with no traffic) is a gap in the line, never a held figure.
 */
export type SampleField = Exclude<
  { [K in keyof MetricsSample]-?: Exclude<MetricsSample[K], undefined> extends number | null ? K : never }[keyof MetricsSample],
  't' | 'messages' | undefined
>;

/** One line of a chart: a sample field, times `scale`, in the chart's unit. */
export interface ColumnDef {
  key: string;
  label: string;
  color: string;
  field: SampleField;
  scale?: number;
}

export interface ChartDef {
  id: string;
  title: string;
  unit?: string;
  /** the lines drawn; 'perWorkerRss' = one line per worker (RSS), built from each sample's workers */
  series: readonly ColumnDef[] | 'perWorkerRss';
  /** whole-number quantities (workers, messages): no 0.75-worker ticks */
  integer?: boolean;
  /** the alert thresholds this chart shows, in its unit */
  thresholds?: (th: AlertThresholds, ctx: ThresholdContext) => ThresholdLine[];
}

const col = (key: string, label: string, color: string, field: SampleField, scale?: number): ColumnDef => ({ key, label, color, field, scale });

export const CHART_TABLE = [
  {
    id: 'throughput',
    title: 'Throughput',
    unit: 'msg/s',
    series: [col('throughput', 'Throughput (msg/s)', PALETTE[0]!, 'throughput')],
  },
  {
    id: 'latency',
    title: 'Latency',
    unit: 'ms',
    series: [
      col('avg', 'Average', PALETTE[0]!, 'avgLatencyMs'),
      col('p95', 'p95', PALETTE[1]!, 'p95LatencyMs'),
      col('p99', 'p99', PALETTE[4]! /* not red: red is the critical threshold */, 'p99LatencyMs'),
    ],
    thresholds: (th) => [{ y: th.avgResponseTimeMs, label: `avg > ${th.avgResponseTimeMs} ms`, severity: 'critical', kind: 'avgResponseTime' }],
  },
  {
    id: 'errorRate',
    title: 'Error rate',
    unit: '%',
    series: [col('errorPct', 'Error rate (%)', PALETTE[2]!, 'errorRate', 100)],
    thresholds: (th) => [{ y: th.errorRatePct, label: `errors > ${th.errorRatePct} %`, severity: 'critical', kind: 'errorRate' }],
  },
  {
    // refused at the door (full queue): the pool past its capacity, apart from the errors of what it accepted
    id: 'rejections',
    title: 'Rejection rate',
    unit: '%',
    series: [col('rejectedPct', 'Rejected (%)', PALETTE[5]!, 'rejectionRate', 100)],
    thresholds: (th) => [{ y: th.rejectionRatePct, label: `rejected > ${th.rejectionRatePct} %`, severity: 'warning', kind: 'rejectionRate' }],
  },
  {
    id: 'queue',
    title: 'Queue depth',
    unit: 'messages',
    integer: true,
    series: [col('queueDepth', 'Queue depth', PALETTE[4]!, 'queueDepth')],
    thresholds: (th, ctx) =>
      ctx.queueCapacity > 0
        ? [{ y: (th.queueFillPct / 100) * ctx.queueCapacity, label: `queue > ${th.queueFillPct} % full`, severity: 'warning', kind: 'queueFill' }]
        : [],
  },
  {
    id: 'workers',
    title: 'Workers',
    unit: 'count',
    integer: true,
    series: [
      col('busy', 'Busy', PALETTE[1]!, 'busy'),
      col('available', 'Available', PALETTE[3]!, 'available'),
      col('healthy', 'Healthy', PALETTE[0]!, 'healthy'),
    ],
    thresholds: (th, ctx) =>
      ctx.totalWorkers > 0
        ? [
            {
              // the alert counts ready and healthy workers (busy or idle): the Healthy line
              y: (th.availableWorkersPct / 100) * ctx.totalWorkers,
              label: `healthy < ${th.availableWorkersPct} %`,
              severity: 'warning',
              kind: 'availableWorkers',
            },
          ]
        : [],
  },
  { id: 'rss', title: 'Memory per worker (RSS)', unit: 'MB', series: 'perWorkerRss' },
] as const satisfies readonly ChartDef[];

export type ChartId = (typeof CHART_TABLE)[number]['id'];

/** Display order of the Charts view: the table's order. */
export const CHART_IDS: readonly ChartId[] = CHART_TABLE.map((c) => c.id);

const BY_ID = new Map<string, ChartDef>(CHART_TABLE.map((c) => [c.id, c]));
export const chartDef = (id: ChartId): ChartDef => BY_ID.get(id)!;
