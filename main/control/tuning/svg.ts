// A line chart as inline SVG, drawn on the host for the HTML report (the
// report must open anywhere: no scripts, no external files). Rows, colours,
// ticks and number format come from common/ (tuning-series.ts,
// tuning-style.ts), the same the Tuning view draws with. Nothing is written
// over the plot: today, the recommended point and every series are named in
// a legend below it, laid out by estimated text width so no two labels meet.
import type { TuningChart } from '../../../common/tuning-series';
import { KNEE_COLOR, sig3, TODAY_COLOR } from '../../../common/tuning-style';

const W = 560;
const M = { top: 12, right: 16, bottom: 40, left: 64 };
const PH = 200; // plot height
const FONT = 11;
const CHAR_W = 7; // a generous average glyph width at 11 px, so estimated boxes never undercut real ones
const LEGEND_ROW = 18;

export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const text = (x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end', cls: string, fill = '#444') =>
  `<text class="${cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" font-size="${FONT}" fill="${fill}">${escapeXml(s)}</text>`;

interface LegendItem {
  label: string;
  mark: (x: number, y: number) => string;
}

/** Legend items in rows that fit the width; returns the SVG and the height used. */
function legend(items: LegendItem[], top: number): { svg: string; height: number } {
  const parts: string[] = [];
  let x = M.left;
  let y = top;
  for (const it of items) {
    const w = 22 + it.label.length * CHAR_W + 16;
    if (x + w > W - M.right && x > M.left) {
      x = M.left;
      y += LEGEND_ROW;
    }
    parts.push(it.mark(x, y - 4), text(x + 22, y, it.label, 'start', 'legend', '#222'));
    x += w;
  }
  return { svg: parts.join(''), height: y - top + LEGEND_ROW };
}

export function chartSvg(chart: TuningChart, title: string): string {
  const pw = W - M.left - M.right;
  const n = chart.rows.length;
  const xAt = (i: number) => M.left + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
  const max = chart.ticks[chart.ticks.length - 1] || 1;
  const yAt = (v: number) => M.top + PH - (v / max) * PH;
  const body: string[] = [];
  for (const t of chart.ticks) {
    body.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${yAt(t)}" y2="${yAt(t)}" stroke="#e5e7eb"/>`);
    body.push(text(M.left - 6, yAt(t) + 4, sig3(t), 'end', 'tick'));
  }
  // x labels: every k-th when they would not fit side by side
  const widest = Math.max(1, ...chart.rows.map((r) => r.x.length)) * CHAR_W + 8;
  const every = n <= 1 ? 1 : Math.ceil(widest / (pw / (n - 1)));
  chart.rows.forEach((r, i) => {
    if (i % every === 0) body.push(text(xAt(i), M.top + PH + 16, r.x, 'middle', 'tick'));
  });
  body.push(text(M.left + pw / 2, M.top + PH + 34, chart.xLabel, 'middle', 'axis', '#333'));
  body.push(text(14, M.top + PH / 2, chart.unit, 'middle', 'axis', '#333').replace('<text ', `<text transform="rotate(-90 14 ${M.top + PH / 2})" `));
  const items: LegendItem[] = [];
  const late: LegendItem[] = []; // after the series, in the order the app's legend has
  const ci = chart.rows.findIndex((r) => r.x === chart.current);
  if (ci >= 0) {
    body.push(
      `<line class="current" x1="${xAt(ci)}" x2="${xAt(ci)}" y1="${M.top}" y2="${M.top + PH}" stroke="${TODAY_COLOR}" stroke-dasharray="4 3"/>`,
    );
    late.unshift({
      label: 'today',
      mark: (x, y) => `<line x1="${x + 8}" x2="${x + 8}" y1="${y - 6}" y2="${y + 6}" stroke="${TODAY_COLOR}" stroke-dasharray="3 2"/>`,
    });
  }
  if (chart.budget !== undefined) {
    body.push(
      `<line class="budget" x1="${M.left}" x2="${W - M.right}" y1="${yAt(chart.budget)}" y2="${yAt(chart.budget)}" stroke="${KNEE_COLOR}" stroke-dasharray="6 4"/>`,
    );
    late.push({
      label: `p99 budget ${sig3(chart.budget)} ms`,
      mark: (x, y) => `<line x1="${x}" x2="${x + 16}" y1="${y}" y2="${y}" stroke="${KNEE_COLOR}" stroke-dasharray="6 4"/>`,
    });
  }
  for (const s of chart.series) {
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    const pts = chart.rows.flatMap((r, i) =>
      typeof r[s.key] === 'number' ? [{ x: xAt(i), at: r.x, v: r[s.key] as number, err: r[`${s.key}_err`] }] : [],
    );
    if (pts.length > 1)
      body.push(
        `<polyline class="series" data-key="${s.key}" fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map((p) => `${p.x.toFixed(1)},${yAt(p.v).toFixed(1)}`).join(' ')}"/>`,
      );
    for (const p of pts) {
      // the spread over rounds: a whisker from min to max
      if (Array.isArray(p.err) && p.err[0] + p.err[1] > 0)
        body.push(
          `<line class="spread" x1="${p.x.toFixed(1)}" x2="${p.x.toFixed(1)}" y1="${yAt(p.v - p.err[0]).toFixed(1)}" y2="${yAt(p.v + p.err[1]).toFixed(1)}" stroke="${s.color}"/>`,
        );
      body.push(
        `<circle class="point" data-key="${s.key}" cx="${p.x.toFixed(1)}" cy="${yAt(p.v).toFixed(1)}" r="3" fill="${s.color}"><title>${escapeXml(`${s.label}, ${chart.xLabel} ${p.at}: ${sig3(p.v)} ${chart.unit}`)}</title></circle>`,
      );
    }
    items.push({
      label: s.label,
      mark: (x, y) => `<line x1="${x}" x2="${x + 16}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="3"${dash}/>`,
    });
  }
  items.push(...late);
  const knee = chart.knee;
  const ki = knee ? chart.rows.findIndex((r) => r.x === knee.x) : -1;
  const kv = knee && ki >= 0 ? chart.rows[ki]![knee.key] : null;
  if (typeof kv === 'number') {
    body.push(
      `<circle class="knee" cx="${xAt(ki).toFixed(1)}" cy="${yAt(kv).toFixed(1)}" r="8" fill="none" stroke="${KNEE_COLOR}" stroke-width="2"/>`,
    );
    items.push({
      label: 'recommended',
      mark: (x, y) => `<circle cx="${x + 8}" cy="${y}" r="6" fill="none" stroke="${KNEE_COLOR}" stroke-width="2"/>`,
    });
  }
  const leg = legend(items, M.top + PH + M.bottom + 14);
  const h = M.top + PH + M.bottom + leg.height + 4;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" role="img" aria-label="${escapeXml(`${title} (${chart.unit}) against ${chart.xLabel}`)}" data-metric="${chart.metric}"><title>${escapeXml(`${title} (${chart.unit})`)}</title>${body.join('')}${leg.svg}</svg>`;
}
