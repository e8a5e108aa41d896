// Experiment exports: JSON (everything), CSV (one row per step) and a
// self-contained HTML report (inline SVG charts, a table, the recommendation;
// no scripts or external files) that an operator can send to someone.
import type { SnapshotFile } from '../../../common/contract';
import type { Experiment, TuningPoint, TuningStep } from '../../../common/tuning';
import { pointsOf } from '../../../common/tuning-points';
import { capacityChart, SETTING_LABELS, stepLabel, tuningChart } from '../../../common/tuning-series';
import { sig3 } from '../../../common/tuning-style';
import { chartSvg, escapeXml } from './svg';

export type ReportFormat = 'json' | 'csv' | 'html';
const MIME: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', html: 'text/html' };

export function experimentFile(exp: Experiment, format: ReportFormat, now: number): SnapshotFile {
  const iso = new Date(now)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  const content =
    format === 'json'
      ? `${JSON.stringify({ exportedAt: new Date(now).toISOString(), experiment: exp }, null, 2)}\n`
      : format === 'csv'
        ? experimentCsv(exp)
        : experimentHtml(exp, now);
  return { filename: `greenlet-tuning-${exp.id}-${iso}.${format}`, mimeType: MIME[format], content };
}

const FIGURES = [
  'target',
  'throughput',
  'offered',
  'answered',
  'backlogGrowth',
  'keptUp',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'errorRate',
  'rejectionRate',
  'messages',
  'rssBytes',
  'loopLagMs',
] as const;

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function experimentCsv(exp: Experiment): string {
  const settings = exp.spec.vary.map((v) => v.setting);
  const head = ['step', 'round', ...settings, 'baseline', 'status', ...FIGURES, 'behind', 'error'];
  const lines = [head.join(',')];
  for (const s of exp.steps)
    lines.push(
      [s.index, s.round, ...settings.map((k) => s.settings[k]), s.baseline, s.status, ...FIGURES.map((f) => round(s[f])), s.behind, s.error]
        .map(csvCell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

const round = (v: number | boolean) => (typeof v === 'boolean' || Number.isInteger(v) ? v : Number(v.toFixed(3)));
const pct = (v: number) => `${sig3(v * 100)} %`;
const sp = (v: { median: number; min: number; max: number }, runs: number) =>
  runs > 1 ? `${sig3(v.median)} (${sig3(v.min)}–${sig3(v.max)})` : sig3(v.median);

/** One row per setting combination (and rate): medians with their spread over rounds. */
function pointRow(p: TuningPoint, rec: TuningStep | undefined): string {
  const cls = [p.baseline ? 'baseline' : '', rec && p.group === rec.group && p.target === rec.target ? 'knee' : '', p.keptUp ? '' : 'behind']
    .join(' ')
    .trim();
  const cells = [
    stepLabel(p.settings) + (p.baseline ? ' (today)' : ''),
    `${sig3(p.target)}`,
    p.keptUp ? 'yes' : `did not keep up: ${p.behind ?? ''}`,
    sp(p.throughput, p.runs),
    sp(p.p99Ms, p.runs),
    sig3(p.p50Ms),
    pct(p.errorRate),
    pct(p.rejectionRate),
    `${sig3(p.rssBytes / 1_048_576)} MB`,
  ];
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`;
}

function stepRow(s: TuningStep): string {
  const cells = [
    `${stepLabel(s.settings)}${s.baseline ? ' (today)' : ''}`,
    String(s.round + 1),
    sig3(s.target),
    s.status === 'done' ? (s.keptUp ? 'yes' : `no: ${s.behind ?? ''}`) : s.status,
    sig3(s.offered),
    sig3(s.throughput),
    sig3(s.p99Ms),
    String(s.backlogGrowth),
    `${sig3(s.loopLagMs)} ms`,
  ];
  return `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>${s.error ? `<tr><td colspan="9" class="err">${escapeXml(s.error)}</td></tr>` : ''}`;
}

function liveCostText(exp: Experiment): string {
  const c = exp.liveCost;
  if (!c) return '';
  if (!c.before.samples || !c.during.samples) return 'The live pool: no samples to compare.';
  if (!c.before.throughput && !c.during.throughput) return 'The live pool served no traffic before or during the experiment.';
  return `The live pool meanwhile (steps share its cores): ${sig3(c.before.throughput)} → ${sig3(c.during.throughput)} msg/s, p99 ${sig3(c.before.p99Ms)} → ${sig3(c.during.p99Ms)} ms (before → during).`;
}

export function experimentHtml(exp: Experiment, now: number): string {
  const load = exp.spec.load;
  const replay = exp.replay;
  const steps = `${exp.spec.rounds} round${exp.spec.rounds > 1 ? 's' : ''}; warm-up ${exp.spec.warmupMs} ms, measured ${exp.spec.measureMs} ms per step`;
  const loadText = replay
    ? `replay of ${replay.messages} recorded messages at ${sig3(replay.rate * load.replayMultiple)} msg/s (recorded ${sig3(replay.rate)} msg/s × ${load.replayMultiple}; mean ${sig3(replay.meanBytes)} B, mean run ${sig3(replay.meanRunMs)} ms, ${sig3(replay.errorRate * 100)} % failed); ${steps}`
    : `${exp.spec.mode === 'capacity' ? `from ${sig3(load.rate)} msg/s offered, rising` : `${sig3(load.rate)} msg/s offered`}; sleep ${load.sleepMs} ms, CPU ${load.cpuMs} ms, failures ${sig3(load.failureRate * 100)} %, payload ${load.payloadBytes} B; ${steps}`;
  const varied = exp.spec.vary.map((v) => `${SETTING_LABELS[v.setting]}: ${v.values.join(', ')}`).join('; ');
  const rec = exp.recommendation;
  const points = exp.points ?? pointsOf(exp);
  const charts =
    exp.spec.mode === 'capacity'
      ? `<figure>${chartSvg(capacityChart(exp), 'p99 against offered load')}<figcaption>p99 (ms) against offered msg/s, per setting</figcaption></figure>`
      : `<figure>${chartSvg(tuningChart(exp, 'p99Ms'), 'p99 latency')}<figcaption>p99 latency (ms), median and spread over rounds</figcaption></figure>
<figure>${chartSvg(tuningChart(exp, 'throughput'), 'Answered')}<figcaption>Answered (msg/s) of the window's arrivals</figcaption></figure>`;
  const head = ['settings', 'offered msg/s', 'keeps up', 'answered msg/s', 'p99 ms', 'p50 ms', 'errors', 'rejected', 'RSS'];
  const stepHead = ['settings', 'round', 'target', 'kept up', 'offered', 'answered', 'p99 ms', 'backlog growth', 'loop lag'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(`Tuning report — ${exp.name}`)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#111}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}tr.knee{background:#fef2f2}tr.behind td{color:#92400e}tr.baseline td:first-child{font-weight:600}.err{color:#b91c1c;text-align:left}.charts{display:flex;flex-wrap:wrap;gap:16px}.rec{padding:8px 12px;border-left:4px solid #dc2626;background:#fafafa}</style>
</head><body>
<h1>${escapeXml(exp.name)}</h1>
<p>Status: <b>${exp.status}</b> · started ${new Date(exp.createdAt).toISOString()} · exported ${new Date(now).toISOString()}</p>
<p>Varied: ${escapeXml(varied)}.<br>Load: ${escapeXml(loadText)}.${exp.p99BudgetMs !== undefined ? `<br>p99 budget: ${sig3(exp.p99BudgetMs)} ms.` : ''}</p>
${exp.error ? `<p class="err">${escapeXml(`${exp.error.code}: ${exp.error.message}`)}</p>` : ''}
${rec ? `<p class="rec" id="recommendation"><b>Recommendation.</b> ${escapeXml(rec.reason)}${Object.keys(rec.patch.pool).length ? ` Settings: <code>${escapeXml(JSON.stringify(rec.patch.pool))}</code>` : ''}${rec.hint ? `<br><b>Try more.</b> ${escapeXml(rec.hint)}` : ''}</p>` : ''}
${exp.liveCost ? `<p id="live-cost">${escapeXml(liveCostText(exp))}</p>` : ''}
<div class="charts">
${charts}
</div>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${points.map((p) => pointRow(p, rec?.step === null || rec?.step === undefined ? undefined : exp.steps[rec.step])).join('\n')}
</tbody></table>
<details><summary>Every step (${exp.steps.length})</summary>
<table><thead><tr>${stepHead.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${exp.steps.map(stepRow).join('\n')}
</tbody></table></details>
</body></html>
`;
}
