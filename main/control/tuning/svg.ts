// A line chart as inline SVG, drawn on the host for the HTML report (the
// report must open anywhere: no scripts, no external files). Points come
// from common/tuning-series.ts, the same rows the Tuning view draws.
import type { TuningChart } from '../../../common/tuning-series';

const COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16', '#64748b'];
const W = 560;
const H = 260;
const M = { top: 16, right: 16, bottom: 44, left: 60 };

export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const num = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k` : v >= 10 ? v.toFixed(0) : v.toFixed(2));

export function chartSvg(chart: TuningChart, title: string, unit: string): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const n = chart.rows.length;
  const xAt = (i: number) => M.left + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
  let max = 0;
  for (const r of chart.rows) for (const s of chart.series) max = Math.max(max, Number(r[s.key] ?? 0));
  max = max > 0 ? max * 1.1 : 1;
  const yAt = (v: number) => M.top + ph - (v / max) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(`${title} (${unit}) against ${chart.xLabel}`)}" data-metric="${chart.metric}">`);
  parts.push(`<title>${escapeXml(`${title} (${unit})`)}</title>`);
  // axes and grid
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    const y = yAt(v);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#555">${num(v)}</text>`);
  }
  chart.rows.forEach((r, i) => parts.push(`<text x="${xAt(i)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(r.x)}</text>`));
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle" font-size="12" fill="#333">${escapeXml(chart.xLabel)}</text>`);
  // today's value: a dashed vertical line
  const ci = chart.rows.findIndex((r) => r.x === chart.current);
  if (ci >= 0) {
    parts.push(`<line class="current" x1="${xAt(ci)}" x2="${xAt(ci)}" y1="${M.top}" y2="${M.top + ph}" stroke="#6b7280" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${xAt(ci) + 4}" y="${M.top + 10}" font-size="11" fill="#6b7280">today</text>`);
  }
  chart.series.forEach((s, j) => {
    const color = COLORS[j % COLORS.length]!;
    const pts = chart.rows.flatMap((r, i) => (typeof r[s.key] === 'number' ? [[xAt(i), yAt(r[s.key] as number)] as const] : []));
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<rect x="${M.left + 8 + j * 120}" y="${H - 30}" width="10" height="3" fill="${color}"/><text x="${M.left + 22 + j * 120}" y="${H - 26}" font-size="10" fill="#333">${escapeXml(s.label)}</text>`);
  });
  // the knee: a ring around the recommended point
  const knee = chart.knee;
  const ki = knee ? chart.rows.findIndex((r) => r.x === knee.x) : -1;
  const kv = knee && ki >= 0 ? chart.rows[ki]![knee.key] : null;
  if (typeof kv === 'number') {
    parts.push(`<circle class="knee" cx="${xAt(ki).toFixed(1)}" cy="${yAt(kv).toFixed(1)}" r="8" fill="none" stroke="#dc2626" stroke-width="2"/>`);
    parts.push(`<text x="${(xAt(ki) + 10).toFixed(1)}" y="${(yAt(kv) - 8).toFixed(1)}" font-size="11" fill="#dc2626">knee</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
