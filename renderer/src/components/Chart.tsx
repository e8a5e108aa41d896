import { memo, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { tickLabel, timeTicks } from '../lib/ticks';
import type { ChartData, SeriesDef } from '../lib/series';
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

const MARGIN = { top: 6, right: 28, bottom: 0, left: 0 };

const compact = (v: number) => (Math.abs(v) >= 10_000 ? `${(v / 1000).toFixed(0)}k` : Math.abs(v) >= 100 ? v.toFixed(0) : String(+v.toFixed(2)));

// memo: a chart re-renders only when its own series, thresholds or window change
export const Chart = memo(function Chart({ title, data, lines, from, to, unit, yFormat = compact, height = 210, integer = false }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const ticks = useMemo(() => timeTicks(from, to), [from, to]);
  const dataMax = useMemo(() => maxOf(data), [data]);
  // hidden series by label (not key): RSS keys are slots that change as workers come and go
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // recharts' axis, line and reference-line components re-register their
  // settings in its store on every render they get (each a store update that
  // re-runs the chart's selectors). On a data change only the data and the
  // time axis differ, so the other children are kept as the same elements,
  // which React does not re-render.
  const series = useSameSeries(data.series);
  const grid = useMemo(() => <CartesianGrid vertical={false} />, []);
  const yAxis = useMemo(() => <YAxis width={46} tickFormatter={yFormat} allowDecimals={!integer} interval={0} />, [yFormat, integer]);
  const tooltip = useMemo(
    () => (
      <Tooltip
        isAnimationActive={false}
        labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
        formatter={(v) => (typeof v === 'number' ? yFormat(v) : String(v))}
      />
    ),
    [yFormat],
  );
  const curves = useMemo(
    () =>
      series.map((s) => (
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
      )),
    [series, hidden],
  );
  const fitting = lines.map((l) => (fits(l, dataMax) ? '1' : '0')).join(''); // a string: equal while no line changes side
  const refLines = useMemo(
    () =>
      lines.map((l, i) => (
        <ReferenceLine
          key={l.kind}
          y={l.y}
          stroke={severityColor(l.severity)}
          strokeDasharray="5 4"
          ifOverflow={fitting[i] === '1' ? 'extendDomain' : 'discard'}
          label={{ value: l.label, position: 'insideTopLeft', fill: severityColor(l.severity) }}
        />
      )),
    [lines, fitting],
  );
  const toggle = (label: string) =>
    setHidden((h) => {
      const n = new Set(h);
      if (!n.delete(label)) n.add(label);
      return n;
    });
  return (
    <figure
      className="chart"
      data-testid={`chart-${data.id}`}
      data-rows={data.rows.length}
      data-max={dataMax}
      aria-label={title}
      style={{ margin: 0 }}
    >
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
          <LineChart width={width} height={height} data={data.rows} margin={MARGIN}>
            {grid}
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
            {yAxis}
            {tooltip}
            {curves}
            {refLines}
          </LineChart>
        )}
      </div>
    </figure>
  );
});

/** The previous series array while its keys, labels and colours are unchanged (each history build makes a new one). */
function useSameSeries(series: SeriesDef[]): SeriesDef[] {
  const prev = useRef(series);
  const p = prev.current;
  if (
    p !== series &&
    (p.length !== series.length || p.some((s, i) => s.key !== series[i]!.key || s.label !== series[i]!.label || s.color !== series[i]!.color))
  )
    prev.current = series;
  return prev.current;
}

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
