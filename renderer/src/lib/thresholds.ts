// Alert thresholds drawn on the charts they apply to, in each chart's units,
// so the operator sees how much headroom the pool has before an alert.
import type { AlertSeverity } from '../../../common/contract';
import type { AlertThresholds } from '../../../common/schemas';
import { chartDef, type ChartId } from './charts';

export interface ThresholdLine {
  y: number;
  label: string;
  severity: AlertSeverity;
  kind: 'avgResponseTime' | 'errorRate' | 'rejectionRate' | 'queueFill' | 'availableWorkers';
}

export interface ThresholdContext {
  queueCapacity: number;
  totalWorkers: number;
}

/** The lines the chart table gives this chart, or none before the thresholds are known. */
export function thresholdLines(chart: ChartId, th: AlertThresholds | null | undefined, ctx: ThresholdContext): ThresholdLine[] {
  if (!th) return [];
  return chartDef(chart).thresholds?.(th, ctx) ?? [];
}

export const severityColor = (s: AlertSeverity) => (s === 'critical' ? '#dc2626' : '#d97706');
