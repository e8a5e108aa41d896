// Sparkline geometry for the overview cards: a plain SVG polyline over the
// last few minutes of live samples — no chart library on the hot path.

/** Points attribute for an SVG polyline, y flipped so larger is higher. Empty for fewer than 2 values. */
export function sparkPoints(values: readonly number[], width: number, height: number, pad = 1): string {
  if (values.length < 2) return '';
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue; // no value (no traffic): no point
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (max === -Infinity) return ''; // every value missing
  min = Math.min(0, min); // anchored at zero so a flat busy line is not mistaken for an idle one
  const span = max - min || 1;
  const step = (width - 2 * pad) / (values.length - 1);
  return values
    .map((v, i) => (Number.isNaN(v) ? '' : `${(pad + i * step).toFixed(1)},${(height - pad - ((v - min) / span) * (height - 2 * pad)).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
}
