// Time-axis ticks on round clock times (every 1 min, 5 min, … 1 day), so a
// 24 h chart reads 00:00, 04:00, 08:00 rather than arbitrary seconds.

const STEPS = [
  10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 21_600_000, 43_200_000, 86_400_000,
];

export function timeTicks(from: number, to: number, target = 6, tzOffsetMin = new Date(from).getTimezoneOffset()): number[] {
  if (!(to > from)) return [from];
  const span = to - from;
  const step = STEPS.find((s) => span / s <= target) ?? STEPS[STEPS.length - 1]!;
  // align to local midnight-based multiples of the step
  const offset = -tzOffsetMin * 60_000;
  const first = Math.ceil((from + offset) / step) * step - offset;
  const out: number[] = [];
  for (let t = first; t <= to; t += step) out.push(t);
  return out;
}

/** Tick label precision for a range: seconds only on short ranges, the date on multi-day ones. */
export function tickLabel(t: number, spanMs: number): string {
  const d = new Date(t);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  if (spanMs > 2 * 86_400_000) return `${d.getMonth() + 1}/${d.getDate()} ${hh}:${mm}`;
  if (spanMs > 30 * 60_000) return `${hh}:${mm}`;
  return `${hh}:${mm}:${String(d.getSeconds()).padStart(2, '0')}`;
}
