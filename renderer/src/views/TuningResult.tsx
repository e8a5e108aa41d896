// An experiment's result: one row per setting (and rate) with medians and
// their spread over rounds, "did not keep up" with its reason; the columns an
// operator decides by are shown, the rest on demand (so the table reads at
// 1440 px without a sideways scroll); every step of every round below.
import { useState } from 'react';
import type { Experiment, TuningPoint } from '../../../common/contract';
import { pointsOf } from '../../../common/tuning-points';
import { stepLabel } from '../../../common/tuning-series';
import { sig3 } from '../../../common/tuning-style';

const spread = (v: { median: number; min: number; max: number }, runs: number) => (
  <>
    {sig3(v.median)}
    {runs > 1 && (
      <span className="muted">
        {' '}
        ({sig3(v.min)}–{sig3(v.max)})
      </span>
    )}
  </>
);
const pct = (v: number) => `${sig3(v * 100)} %`;

export function PointTable({ exp }: { exp: Experiment }) {
  const [more, setMore] = useState(false);
  const points: TuningPoint[] = exp.points ?? pointsOf(exp);
  const recStep = exp.recommendation?.step;
  const recPoint = recStep === null || recStep === undefined ? undefined : exp.steps[recStep];
  const isRec = (p: TuningPoint) => !!recPoint && p.group === recPoint.group && p.target === recPoint.target;
  return (
    <section className="panel stack" aria-label="Steps">
      <div className="row">
        <h3 style={{ margin: 0 }}>Settings measured</h3>
        <label className="row" style={{ gap: 6, marginLeft: 'auto' }}>
          <input type="checkbox" data-testid="tuning-more-columns" checked={more} onChange={(e) => setMore(e.target.checked)} />
          More columns (p50, errors, rejected)
        </label>
      </div>
      <table data-testid="tuning-table">
        <thead>
          <tr>
            <th>Settings</th>
            <th>Offered msg/s</th>
            <th>Keeps up</th>
            <th>p99 ms (spread)</th>
            <th>Answered msg/s</th>
            <th>RSS MB</th>
            {more && (
              <>
                <th>p50 ms</th>
                <th>Errors</th>
                <th>Rejected</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={`${p.group}@${p.target}`} data-testid="tuning-point" data-kept-up={p.keptUp} className={isRec(p) ? 'selected' : undefined}>
              <td>
                {stepLabel(p.settings)}
                {p.baseline && <span className="muted"> (today)</span>}
                {isRec(p) && <span className="badge live"> recommended</span>}
              </td>
              <td>{sig3(p.target)}</td>
              <td title={p.behind}>{p.keptUp ? 'yes' : <span style={{ color: 'var(--warn)' }}>did not keep up: {p.behind}</span>}</td>
              <td>{spread(p.p99Ms, p.runs)}</td>
              <td>{spread(p.throughput, p.runs)}</td>
              <td>{sig3(p.rssBytes / 1_048_576)}</td>
              {more && (
                <>
                  <td>{sig3(p.p50Ms)}</td>
                  <td>{pct(p.errorRate)}</td>
                  <td>{pct(p.rejectionRate)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <StepList exp={exp} />
    </section>
  );
}

function StepList({ exp }: { exp: Experiment }) {
  const done = exp.steps.filter((s) => s.status === 'done').length;
  return (
    <details>
      <summary>
        Every step ({done} of {exp.steps.length} measured; {exp.spec.rounds} round{exp.spec.rounds > 1 ? 's' : ''}, interleaved)
      </summary>
      <table>
        <thead>
          <tr>
            <th>Settings</th>
            <th>Round</th>
            <th>Status</th>
            <th>Offered</th>
            <th>Answered</th>
            <th>p99 ms</th>
            <th>Backlog growth</th>
          </tr>
        </thead>
        <tbody>
          {exp.steps.map((s) => (
            <tr key={s.index} data-testid="tuning-step" data-status={s.status} title={s.error ?? s.behind}>
              <td>
                {stepLabel(s.settings)} at {sig3(s.target)} msg/s
              </td>
              <td>{s.round + 1}</td>
              <td>{s.status === 'done' ? (s.keptUp ? 'kept up' : 'did not keep up') : s.status}</td>
              <td>{s.status === 'done' ? sig3(s.offered) : '—'}</td>
              <td>{s.status === 'done' ? sig3(s.throughput) : '—'}</td>
              <td>{s.status === 'done' ? sig3(s.p99Ms) : '—'}</td>
              <td>{s.status === 'done' ? s.backlogGrowth : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** The live pool's throughput and p99 before and while the steps ran beside it. */
export function LiveCostNote({ exp }: { exp: Experiment }) {
  const c = exp.liveCost;
  if (!c) return null;
  if (!c.before.samples || !c.during.samples)
    return (
      <p className="muted" data-testid="tuning-live-cost">
        The live pool meanwhile: no samples to compare before and during.
      </p>
    );
  if (!c.before.throughput && !c.during.throughput)
    return (
      <p className="muted" data-testid="tuning-live-cost">
        The live pool meanwhile served no traffic (before or during).
      </p>
    );
  return (
    <p className="muted" data-testid="tuning-live-cost" style={{ margin: 0 }}>
      The live pool meanwhile (the steps shared its cores): {sig3(c.before.throughput)} → {sig3(c.during.throughput)} msg/s, p99{' '}
      {sig3(c.before.p99Ms)} → {sig3(c.during.p99Ms)} ms (before → during).
    </p>
  );
}
