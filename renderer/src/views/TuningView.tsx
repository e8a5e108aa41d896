// Tuning assistant (issue 12): run an experiment on throw-away pools, watch
// its steps arrive, read throughput and p99 against the varied setting (knee
// and today's value marked), and apply the recommendation through the diff preview.
import { useEffect } from 'react';
import type { Experiment } from '../../../common/contract';
import { stepLabel } from '../../../common/tuning-series';
import { sig3 } from '../../../common/tuning-style';
import { DiffTable } from '../components/DiffTable';
import { TuningChartPanel } from '../components/TuningChart';
import { downloadFile } from '../lib/download';
import { useConnection } from '../state/connection';
import { selectedExperiment, useTuning } from '../state/tuning';
import { TuningFormPanel } from './TuningForm';
import { LiveCostNote, PointTable } from './TuningResult';

export function TuningView() {
  useEffect(() => {
    void useTuning.getState().load();
  }, []);
  const exp = useTuning(selectedExperiment);
  return (
    <div className="stack">
      <h2 style={{ margin: 0 }}>Tuning assistant</h2>
      <p className="muted" style={{ margin: 0 }}>
        Each step runs on a throw-away pool beside the live one, under the same load; the live pool's settings change only when you apply.
      </p>
      <div className="two-col">
        <TuningFormPanel />
        <ExperimentList />
      </div>
      {exp && <ExperimentResult exp={exp} />}
    </div>
  );
}

function ExperimentList() {
  const experiments = useTuning((s) => s.experiments);
  const exp = useTuning(selectedExperiment);
  if (!experiments.length)
    return (
      <div className="panel empty" data-testid="tuning-empty">
        No experiments yet: choose a setting, its values and a load, then run.
      </div>
    );
  return (
    <section className="panel stack" aria-label="Experiments">
      <label htmlFor="tuning-pick">Experiment</label>
      <select id="tuning-pick" data-testid="tuning-pick" value={exp?.id} onChange={(e) => useTuning.getState().select(e.target.value)}>
        {experiments.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name} — {e.status}
          </option>
        ))}
      </select>
      {exp && <Progress exp={exp} />}
    </section>
  );
}

function Progress({ exp }: { exp: Experiment }) {
  const done = exp.steps.filter((s) => s.status === 'done').length;
  const skipped = exp.steps.filter((s) => s.status === 'skipped').length;
  const running = exp.steps.find((s) => s.status === 'running');
  return (
    <div className="stack">
      <div className="row">
        <span className={`chip ${exp.status === 'done' ? 'ok' : exp.status === 'failed' ? 'crit' : 'muted'}`} data-testid="tuning-status">
          {exp.status}
        </span>
        <span role="status" data-testid="tuning-progress">
          {done} of {exp.steps.length - skipped} steps measured{skipped ? ` (${skipped} skipped: past the rate their setting stopped at)` : ''}
          {running ? ` · running ${stepLabel(running.settings)} at ${sig3(running.target)} msg/s` : ''}
        </span>
        {exp.status === 'running' && (
          <button className="btn danger" data-testid="tuning-cancel" onClick={() => void useTuning.getState().cancel(exp.id)}>
            Cancel
          </button>
        )}
      </div>
      <progress max={exp.steps.length - skipped} value={done} aria-label="Steps measured" />
      {exp.replay && (
        <span className="muted" data-testid="tuning-replay-summary">
          Replaying {exp.replay.messages} recorded messages at {sig3(exp.replay.rate * exp.spec.load.replayMultiple)} msg/s (recorded{' '}
          {sig3(exp.replay.rate)} msg/s × {exp.spec.load.replayMultiple}; mean run {sig3(exp.replay.meanRunMs)} ms, mean {sig3(exp.replay.meanBytes)}{' '}
          B).
        </span>
      )}
      {exp.error && (
        <div className="error-text" role="alert" data-testid="tuning-error">
          {exp.error.code}: {exp.error.message}
        </div>
      )}
    </div>
  );
}

function ExperimentResult({ exp }: { exp: Experiment }) {
  return (
    <div className="stack">
      <Recommendation exp={exp} />
      {exp.spec.mode === 'capacity' ? (
        <TuningChartPanel exp={exp} metric="capacity" title="p99 against offered load" />
      ) : (
        <div className="two-col">
          <TuningChartPanel exp={exp} metric="p99Ms" title="p99 latency" />
          <TuningChartPanel exp={exp} metric="throughput" title="Answered" />
        </div>
      )}
      <PointTable exp={exp} />
    </div>
  );
}

function Recommendation({ exp }: { exp: Experiment }) {
  const preview = useTuning((s) => s.preview);
  const applied = useTuning((s) => s.applied);
  const applying = useTuning((s) => s.applying);
  const error = useTuning((s) => s.error);
  const file = useTuning((s) => s.file);
  const mode = useConnection((s) => s.mode);
  const rec = exp.recommendation;
  const canApply = !!rec && Object.keys(rec.patch.pool).length > 0;
  const { previewRecommendation, applyRecommendation, dismissPreview, exportAs } = useTuning.getState();
  const download = async (format: 'json' | 'csv' | 'html') => {
    const f = await exportAs(format);
    if (f && mode !== 'electron') downloadFile(f); // the desktop app saved it through its dialog
  };
  return (
    <section className="panel stack" aria-label="Recommendation" data-testid="tuning-recommendation">
      <h3 style={{ margin: 0 }}>Recommendation</h3>
      <p data-testid="tuning-reason" style={{ margin: 0 }}>
        {rec ? rec.reason : exp.status === 'running' ? 'Waiting for the last step…' : 'None: the experiment did not finish.'}
      </p>
      {rec?.hint && (
        <p data-testid="tuning-hint" style={{ margin: 0 }}>
          <b>Try more:</b> {rec.hint}
        </p>
      )}
      {exp.p99BudgetMs !== undefined && (
        <p className="muted" style={{ margin: 0 }}>
          p99 budget {sig3(exp.p99BudgetMs)} ms.
        </p>
      )}
      <LiveCostNote exp={exp} />
      {canApply && !preview && (
        <div className="row">
          <button className="btn primary" data-testid="tuning-apply" onClick={() => void previewRecommendation()}>
            Apply…
          </button>
        </div>
      )}
      {preview && (
        <div className="actions">
          {preview.diff.length ? (
            <DiffTable diff={preview.diff} testId="tuning-diff" />
          ) : (
            <p className="muted">The live pool already has these settings.</p>
          )}
          <div className="row">
            <button
              className="btn primary"
              data-testid="tuning-apply-confirm"
              disabled={applying || !preview.valid || !preview.diff.length}
              onClick={() => void applyRecommendation()}
            >
              Apply to the live pool
            </button>
            <button className="btn" onClick={dismissPreview}>
              Not now
            </button>
          </div>
        </div>
      )}
      <span role="status" data-testid="tuning-apply-status">
        {applied
          ? `Applied: ${[...applied.applied, ...applied.restartRequired].join(', ')}${applied.restartRequired.length ? ' (workers restarted)' : ''}`
          : ''}
      </span>
      {error && (
        <div className="error-text" role="alert">
          {error}
        </div>
      )}
      <div className="row">
        <span className="muted">Report:</span>
        {(['json', 'csv', 'html'] as const).map((f) => (
          <button
            key={f}
            className="btn small"
            data-testid={`tuning-export-${f}`}
            disabled={exp.status === 'running'}
            onClick={() => void download(f)}
          >
            {f.toUpperCase()}
          </button>
        ))}
        {file && (
          <span className="muted" data-testid="tuning-file">
            {file.savedTo === null ? 'Save cancelled' : file.filename}
          </span>
        )}
      </div>
    </section>
  );
}
