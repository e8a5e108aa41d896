// Experiment exports: JSON (everything), CSV (one row per step) and a
// self-contained HTML report (inline SVG charts, a table, the recommendation;
// no scripts or external files) that an operator can send to someone.
import type { SnapshotFile } from '../../../common/contract';
import type { Experiment, TuningStep } from '../../../common/tuning';
import { SETTING_LABELS, stepLabel, tuningChart } from '../../../common/tuning-series';
import { chartSvg, escapeXml } from './svg';

export type ReportFormat = 'json' | 'csv' | 'html';
const MIME: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', html: 'text/html' };

export function experimentFile(exp: Experiment, format: ReportFormat, now: number): SnapshotFile {
  const iso = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const content = format === 'json' ? `${JSON.stringify({ exportedAt: new Date(now).toISOString(), experiment: exp }, null, 2)}\n` : format === 'csv' ? experimentCsv(exp) : experimentHtml(exp, now);
  return { filename: `greenlet-tuning-${exp.id}-${iso}.${format}`, mimeType: MIME[format], content };
}

const FIGURES = ['throughput', 'offered', 'p50Ms', 'p95Ms', 'p99Ms', 'errorRate', 'rejectionRate', 'messages', 'rssBytes', 'loopLagMs'] as const;

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function experimentCsv(exp: Experiment): string {
  const settings = exp.spec.vary.map((v) => v.setting);
  const head = ['step', ...settings, 'baseline', 'status', ...FIGURES, 'error'];
  const lines = [head.join(',')];
  for (const s of exp.steps) lines.push([s.index, ...settings.map((k) => s.settings[k]), s.baseline, s.status, ...FIGURES.map((f) => round(s[f])), s.error].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

const round = (v: number) => (Number.isInteger(v) ? v : Number(v.toFixed(3)));

function stepRow(s: TuningStep, knee: number | undefined): string {
  const cls = [s.baseline ? 'baseline' : '', s.index === knee ? 'knee' : ''].join(' ').trim();
  const cells = [
    stepLabel(s.settings) + (s.baseline ? ' (today)' : ''),
    s.status,
    s.throughput.toFixed(1),
    s.p50Ms.toFixed(2),
    s.p95Ms.toFixed(2),
    s.p99Ms.toFixed(2),
    `${(s.errorRate * 100).toFixed(2)} %`,
    `${(s.rejectionRate * 100).toFixed(2)} %`,
    `${(s.rssBytes / 1_048_576).toFixed(1)} MB`,
    `${s.loopLagMs.toFixed(1)} ms`,
  ];
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>${s.error ? `<tr><td colspan="10" class="err">${escapeXml(s.error)}</td></tr>` : ''}`;
}

export function experimentHtml(exp: Experiment, now: number): string {
  const load = exp.spec.load;
  const replay = exp.replay;
  const loadText = replay
    ? `replay of ${replay.messages} recorded messages (${replay.rate.toFixed(1)} msg/s over ${(replay.spanMs / 1000).toFixed(0)} s, mean ${replay.meanBytes.toFixed(0)} B, mean run ${replay.meanRunMs.toFixed(1)} ms, ${(replay.errorRate * 100).toFixed(1)} % failed); warm-up ${exp.spec.warmupMs} ms, measured ${exp.spec.measureMs} ms per step`
    : `${load.rate} msg/s offered; sleep ${load.sleepMs} ms, CPU ${load.cpuMs} ms, failures ${(load.failureRate * 100).toFixed(1)} %, payload ${load.payloadBytes} B; warm-up ${exp.spec.warmupMs} ms, measured ${exp.spec.measureMs} ms per step`;
  const varied = exp.spec.vary.map((v) => `${SETTING_LABELS[v.setting]}: ${v.values.join(', ')}`).join('; ');
  const rec = exp.recommendation;
  const knee = rec?.step ?? exp.kneeStep ?? undefined;
  const head = ['settings', 'status', 'msg/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'rejected', 'RSS', 'loop lag'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(`Tuning report — ${exp.name}`)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#111}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}tr.knee{background:#fef2f2}tr.baseline td:first-child{font-weight:600}.err{color:#b91c1c;text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}.rec{padding:8px 12px;border-left:4px solid #dc2626;background:#fafafa}</style>
</head><body>
<h1>${escapeXml(exp.name)}</h1>
<p>Status: <b>${exp.status}</b> · started ${new Date(exp.createdAt).toISOString()} · exported ${new Date(now).toISOString()}</p>
<p>Varied: ${escapeXml(varied)}.<br>Load: ${escapeXml(loadText)}.${exp.p99BudgetMs !== undefined ? `<br>p99 budget: ${exp.p99BudgetMs.toFixed(2)} ms.` : ''}</p>
${exp.error ? `<p class="err">${escapeXml(`${exp.error.code}: ${exp.error.message}`)}</p>` : ''}
${rec ? `<p class="rec" id="recommendation"><b>Recommendation.</b> ${escapeXml(rec.reason)}${Object.keys(rec.patch.pool).length ? ` Settings: <code>${escapeXml(JSON.stringify(rec.patch.pool))}</code>` : ''}</p>` : ''}
<div class="charts">
<figure>${chartSvg(tuningChart(exp, 'throughput'), 'Throughput', 'msg/s')}<figcaption>Throughput (msg/s)</figcaption></figure>
<figure>${chartSvg(tuningChart(exp, 'p99Ms'), 'p99 latency', 'ms')}<figcaption>p99 latency (ms)</figcaption></figure>
</div>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${exp.steps.map((s) => stepRow(s, knee)).join('\n')}
</tbody></table>
</body></html>
`;
}
