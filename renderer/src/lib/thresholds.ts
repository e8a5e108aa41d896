// Alert thresholds drawn on the charts they apply to, in each chart's units,
// so the operator sees how much headroom the pool has before an alert.
import type { AlertSeverity } from '../../../preload/contract';
import type { AlertThresholds } from '../../../preload/schemas';
import type { ChartId } from './series';

export interface ThresholdLine {
  y: number;
  label: string;
  severity: AlertSeverity;
  kind: 'avgResponseTime' | 'errorRate' | 'queueFill' | 'availableWorkers';
}

export interface ThresholdContext {
  queueCapacity: number;
  totalWorkers: number;
}

export function thresholdLines(chart: ChartId, th: AlertThresholds | null | undefined, ctx: ThresholdContext): ThresholdLine[] {
  if (!th) return [];
  switch (chart) {
    case 'latency':
      return [{ y: th.avgResponseTimeMs, label: `avg > ${th.avgResponseTimeMs} ms`, severity: 'critical', kind: 'avgResponseTime' }];
    case 'errorRate':
      return [{ y: th.errorRatePct, label: `errors > ${th.errorRatePct} %`, severity: 'critical', kind: 'errorRate' }];
    case 'queue':
      if (!(ctx.queueCapacity > 0)) return [];
      return [
        {
          y: (th.queueFillPct / 100) * ctx.queueCapacity,
          label: `queue > ${th.queueFillPct} % full`,
          severity: 'warning',
          kind: 'queueFill',
        },
      ];
    case 'workers':
      if (!(ctx.totalWorkers > 0)) return [];
      return [
        {
          y: (th.availableWorkersPct / 100) * ctx.totalWorkers,
          label: `available < ${th.availableWorkersPct} %`,
          severity: 'warning',
          kind: 'availableWorkers',
        },
      ];
    default:
      return [];
  }
}

export const severityColor = (s: AlertSeverity) => (s === 'critical' ? '#dc2626' : '#d97706');
