// One tuning chart (recharts): rows, colours and ticks from common/
// (tuning-series.ts, tuning-style.ts), as in the HTML report. Medians with
// their spread over rounds as error bars; every series, today and the
// recommended point named in the legend — nothing is written over the plot,
// so no two labels can meet.
import { memo, useMemo } from 'react';
import { CartesianGrid, ErrorBar, Line, LineChart, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Experiment } from '../../../common/contract';
import { capacityChart, tuningChart, type TuningChart, type TuningMetric } from '../../../common/tuning-series';
import { KNEE_COLOR, sig3, TODAY_COLOR } from '../../../common/tuning-style';
import { useWidth } from './useWidth';

interface Props {
  exp: Experiment;
  metric: TuningMetric | 'capacity';
  title: string;
}

type LegendEntry = { id: string; label: string; color: string; dash?: string; ring?: boolean };

function legendOf(chart: TuningChart): LegendEntry[] {
  const out: LegendEntry[] = chart.series.map((s) => ({ id: s.key, label: s.label, color: s.color, ...(s.dashed ? { dash: '5 3' } : {}) }));
  if (chart.current !== undefined && chart.rows.some((r) => r.x === chart.current))
    out.push({ id: 'today', label: 'today', color: TODAY_COLOR, dash: '4 3' });
  if (chart.budget !== undefined) out.push({ id: 'budget', label: `p99 budget ${sig3(chart.budget)} ms`, color: KNEE_COLOR, dash: '6 4' });
  if (chart.knee) out.push({ id: 'knee', label: 'recommended', color: KNEE_COLOR, ring: true });
  return out;
}

function ChartLegend({ entries }: { entries: LegendEntry[] }) {
  return (
    <ul
      className="tuning-legend"
      data-testid="tuning-legend"
      style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', listStyle: 'none', margin: '4px 0 0', padding: 0, fontSize: 12 }}
    >
      {entries.map((e) => (
        <li key={e.id} data-color={e.color} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
          <svg width="18" height="12" aria-hidden="true">
            {e.ring ? (
              <circle cx="9" cy="6" r="5" fill="none" stroke={e.color} strokeWidth="2" />
            ) : (
              <line x1="0" x2="18" y1="6" y2="6" stroke={e.color} strokeWidth="3" strokeDasharray={e.dash} />
            )}
          </svg>
          {e.label}
        </li>
      ))}
    </ul>
  );
}

export const TuningChartPanel = memo(function TuningChartPanel({ exp, metric, title }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const chart = useMemo(() => (metric === 'capacity' ? capacityChart(exp) : tuningChart(exp, metric)), [exp, metric]);
  const kneeY = chart.knee ? chart.rows.find((r) => r.x === chart.knee!.x)?.[chart.knee.key] : undefined;
  const points = chart.rows.reduce((n, r) => n + chart.series.filter((s) => typeof r[s.key] === 'number').length, 0);
  const top = chart.ticks[chart.ticks.length - 1] ?? 1;
  return (
    <figure
      className="panel chart"
      data-testid={`tuning-chart-${metric}`}
      data-points={points}
      aria-label={`${title} against ${chart.xLabel}`}
      style={{ margin: 0 }}
    >
      <h4>
        {title}{' '}
        <span className="muted">
          ({chart.unit}) against {chart.xLabel}
        </span>
      </h4>
      <div ref={ref} style={{ height: 260 }}>
        {width > 0 && (
          <LineChart width={width} height={260} data={chart.rows} margin={{ top: 12, right: 24, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} />
            <XAxis dataKey="x" type="category" />
            <YAxis width={56} ticks={chart.ticks} domain={[0, top]} tickFormatter={(v: number) => sig3(v)} />
            <Tooltip
              isAnimationActive={false}
              formatter={(v) => (typeof v === 'number' ? `${sig3(v)} ${chart.unit}` : String(v))}
              labelFormatter={(x) => `${chart.xLabel} ${String(x)}`}
            />
            {chart.current !== undefined && <ReferenceLine x={chart.current} stroke={TODAY_COLOR} strokeDasharray="4 3" />}
            {chart.budget !== undefined && <ReferenceLine y={chart.budget} stroke={KNEE_COLOR} strokeDasharray="6 4" />}
            {chart.series.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeDasharray={s.dashed ? '5 3' : undefined}
                strokeWidth={2}
                isAnimationActive={false}
                connectNulls
              >
                <ErrorBar dataKey={`${s.key}_err`} width={4} stroke={s.color} direction="y" />
              </Line>
            ))}
            {chart.knee && typeof kneeY === 'number' && (
              <ReferenceDot x={chart.knee.x} y={kneeY} r={8} fill="none" stroke={KNEE_COLOR} strokeWidth={2} />
            )}
          </LineChart>
        )}
      </div>
      <ChartLegend entries={legendOf(chart)} />
    </figure>
  );
});
