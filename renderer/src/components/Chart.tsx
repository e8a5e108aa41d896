import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { tickLabel, timeTicks } from '../lib/ticks';
import type { ChartData } from '../lib/series';
import { severityColor, type ThresholdLine } from '../lib/thresholds';
import { useWidth } from './useWidth';

interface Props {
  title: string;
  data: ChartData;
  lines: ThresholdLine[];
  from: number;
  to: number;
  unit?: string;
  yFormat?: (v: number) => string;
  height?: number;
  /** whole-number quantities (workers, messages): no 0.75-worker ticks */
  integer?: boolean;
}

const compact = (v: number) => (Math.abs(v) >= 10_000 ? `${(v / 1000).toFixed(0)}k` : Math.abs(v) >= 100 ? v.toFixed(0) : String(+v.toFixed(2)));

// memo: a chart re-renders only when its own series, thresholds or window change
export const Chart = memo(function Chart({ title, data, lines, from, to, unit, yFormat = compact, height = 210, integer = false }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const ticks = useMemo(() => timeTicks(from, to), [from, to]);
  const dataMax = useMemo(() => maxOf(data), [data]);
  // hidden series by label (not key): RSS keys are slots that change as workers come and go
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const toggle = (label: string) =>
    setHidden((h) => {
      const n = new Set(h);
      if (!n.delete(label)) n.add(label);
      return n;
    });
  return (
    <figure className="chart" data-testid={`chart-${data.id}`} data-rows={data.rows.length} aria-label={title} style={{ margin: 0 }}>
      <h4>
        {title}
        {unit && <span className="muted"> ({unit})</span>}
      </h4>
      <div className="legend">
        {data.series.map((s) => (
          <button
            key={s.key}
            type="button"
            className="legend-item"
            aria-pressed={!hidden.has(s.label)}
            title={hidden.has(s.label) ? `Show ${s.label}` : `Hide ${s.label}`}
            onClick={() => toggle(s.label)}
          >
            <i style={{ background: s.color }} />
            {s.label}
          </button>
        ))}
        {lines.map((l) => (
          <span key={l.kind} data-testid={`threshold-${l.kind}`} data-y={l.y}>
            <i className="dash" style={{ borderColor: severityColor(l.severity) }} />
            {l.label}
            {!fits(l, dataMax) && <> (off scale: {headroom(l.y, dataMax)} current)</>}
          </span>
        ))}
      </div>
      <div ref={ref} style={{ height }}>
        {width > 0 && (
          <LineChart width={width} height={height} data={data.rows} margin={{ top: 6, right: 28, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={ticks}
              interval={0} // fixed ticks: no per-tick text measuring to thin them out
              allowDataOverflow
              tickFormatter={(t: number) => tickLabel(t, to - from)}
            />
            <YAxis width={46} tickFormatter={yFormat} allowDecimals={!integer} interval={0} />
            <Tooltip
              isAnimationActive={false}
              labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
              formatter={(v) => (typeof v === 'number' ? yFormat(v) : String(v))}
            />
            {data.series.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.label}
                hide={hidden.has(s.label)}
                stroke={s.color}
                strokeWidth={1.5}
                dot={false}
                activeDot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
            {lines.map((l) => (
              <ReferenceLine
                key={l.kind}
                y={l.y}
                stroke={severityColor(l.severity)}
                strokeDasharray="5 4"
                ifOverflow={fits(l, dataMax) ? 'extendDomain' : 'discard'}
                label={{ value: l.label, position: 'insideTopLeft', fill: severityColor(l.severity) }}
              />
            ))}
          </LineChart>
        )}
      </div>
    </figure>
  );
});

function maxOf(data: ChartData): number {
  let m = 0;
  for (const r of data.rows) for (const s of data.series) m = Math.max(m, r[s.key] ?? 0);
  return m;
}

/**
 * Stretching the axis to a threshold far above the data flattens the data
 * into a line at zero (5 s latency threshold vs 2 ms latencies). Bounded
 * quantities (percent, queue, workers) always show their threshold; latency
 * only while it is within 3x of the data, else the legend says how far.
 */
const fits = (l: ThresholdLine, dataMax: number) => l.kind !== 'avgResponseTime' || (dataMax > 0 && l.y <= 3 * dataMax);
const headroom = (y: number, dataMax: number) => (dataMax > 0 ? `${Math.round(y / dataMax).toLocaleString('en-US')}×` : 'no data');
