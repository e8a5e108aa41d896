// How the tuning charts look, in ONE place that the Tuning view (recharts)
// and the HTML report (SVG drawn on the host) both import: the series
// colours, numbers to 3 significant digits with their unit, and round axis
// ticks. Imports nothing.

/** Series colours, in order; the same in the app and in the report. */
export const TUNING_COLORS = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#475569'] as const;
export const KNEE_COLOR = '#dc2626';
export const TODAY_COLOR = '#6b7280';

export const seriesColor = (j: number): string => TUNING_COLORS[j % TUNING_COLORS.length]!;

/** 3 significant digits, thousands separated: 198.25885 → "198", 0.012345 → "0.0123", 12345 → "12,300". */
export function sig3(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A value with its unit: "70.6 ms", "300 msg/s", "45.2 MB". */
export const withUnit = (v: number, unit: string): string => `${sig3(v)} ${unit}`;

/** Round ticks from 0 past `max` (steps of 1, 2 or 5 × 10^k), about `target` of them. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let k = 0; k * step < max + step; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}
