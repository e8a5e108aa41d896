// One tuning chart (recharts): a metric against the varied setting, one line
// per value of the second setting, today's value as a dashed line and the
// knee ringed. Rows come from common/tuning-series.ts, as in the HTML report.
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Experiment } from '../../../common/contract';
import { tuningChart, type TuningMetric } from '../../../common/tuning-series';
import { PALETTE } from '../lib/charts';
import { useWidth } from './useWidth';

interface Props {
  exp: Experiment;
  metric: TuningMetric;
  title: string;
  unit: string;
}

const KNEE = '#dc2626';

export const TuningChartPanel = memo(function TuningChartPanel({ exp, metric, title, unit }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const chart = useMemo(() => tuningChart(exp, metric), [exp, metric]);
  const kneeY = chart.knee ? chart.rows.find((r) => r.x === chart.knee!.x)?.[chart.knee.key] : undefined;
  const points = chart.rows.reduce((n, r) => n + chart.series.filter((s) => typeof r[s.key] === 'number').length, 0);
  return (
    <figure className="panel chart" data-testid={`tuning-chart-${metric}`} data-points={points} aria-label={`${title} against ${chart.xLabel}`} style={{ margin: 0 }}>
      <h4>
        {title} <span className="muted">({unit}) against {chart.xLabel}</span>
      </h4>
      <div ref={ref} style={{ height: 220 }}>
        {width > 0 && (
          <LineChart width={width} height={220} data={chart.rows} margin={{ top: 24, right: 28, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} />
            <XAxis dataKey="x" type="category" />
            <YAxis width={52} />
            <Tooltip isAnimationActive={false} />
            {chart.current !== undefined && <ReferenceLine x={chart.current} stroke="#6b7280" strokeDasharray="4 3" label={{ value: 'today', position: 'insideTopLeft', fill: '#6b7280' }} />}
            {chart.series.map((s, j) => (
              <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={PALETTE[j % PALETTE.length]} strokeWidth={2} isAnimationActive={false} connectNulls />
            ))}
            {chart.knee && typeof kneeY === 'number' && (
              <ReferenceDot x={chart.knee.x} y={kneeY} r={8} fill="none" stroke={KNEE} strokeWidth={2} label={{ value: 'knee', position: 'top', fill: KNEE }} />
            )}
          </LineChart>
        )}
      </div>
    </figure>
  );
});
