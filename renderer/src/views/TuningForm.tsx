// The experiment form: one or two settings with their values, the load (the
// load generator's shapes), warm-up and measured time, an optional p99 budget.
import { useState } from 'react';
import { TUNING_SETTINGS, type TuningSetting } from '../../../common/contract';
import { SETTING_LABELS } from '../../../common/tuning-series';
import { checkTuningForm, DEFAULT_TUNING_FORM, type TuningForm } from '../lib/tuningForm';
import { useTuning } from '../state/tuning';

type TextKey = Exclude<keyof TuningForm, 'setting1' | 'setting2' | 'replay' | 'mode'>;

export function TuningFormPanel() {
  const [f, setF] = useState<TuningForm>(DEFAULT_TUNING_FORM);
  const starting = useTuning((s) => s.starting);
  const running = useTuning((s) => s.experiments.some((e) => e.status === 'running'));
  const check = checkTuningForm(f);
  const errors = check.ok ? {} : check.errors;
  const text = (key: TextKey, label: string, unit?: string) => (
    <div className="field">
      <label htmlFor={`tuning-${key}`}>{label}</label>
      <div className="inputline">
        <input
          id={`tuning-${key}`}
          data-testid={`tuning-${key}`}
          value={f[key]}
          aria-invalid={!!errors[key] || undefined}
          aria-describedby={errors[key] ? `tuning-${key}-err` : undefined}
          onChange={(e) => setF({ ...f, [key]: e.target.value })}
        />
        {unit && <span className="unit">{unit}</span>}
      </div>
      {errors[key] && (
        <div className="error-text" id={`tuning-${key}-err`}>
          {errors[key]}
        </div>
      )}
    </div>
  );
  const settingSelect = (key: 'setting1' | 'setting2', label: string, optional: boolean) => (
    <div className="field">
      <label htmlFor={`tuning-${key}`}>{label}</label>
      <select
        id={`tuning-${key}`}
        data-testid={`tuning-${key}`}
        style={{ width: '100%' }}
        value={f[key]}
        onChange={(e) => setF({ ...f, [key]: e.target.value as TuningSetting | '' })}
      >
        {optional && <option value="">(none)</option>}
        {TUNING_SETTINGS.map((s) => (
          <option key={s} value={s}>
            {SETTING_LABELS[s]}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form
      className="panel stack"
      aria-label="New experiment"
      data-testid="tuning-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (check.ok) void useTuning.getState().start(check.spec);
      }}
    >
      <h3 style={{ margin: 0 }}>New experiment</h3>
      <div className="fields" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))' }}>
        {settingSelect('setting1', 'Vary', false)}
        {text('values1', 'Values', 'comma-separated')}
        {settingSelect('setting2', 'and (optional)', true)}
        {f.setting2 && text('values2', 'Values')}
      </div>
      <div className="fields" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))' }}>
        <div className="field">
          <label htmlFor="tuning-mode">Mode</label>
          <select
            id="tuning-mode"
            data-testid="tuning-mode"
            style={{ width: '100%' }}
            value={f.mode}
            onChange={(e) => setF({ ...f, mode: e.target.value as TuningForm['mode'] })}
          >
            <option value="fixed">one rate</option>
            <option value="capacity">capacity (rising rates)</option>
          </select>
        </div>
        {text('rate', f.mode === 'capacity' ? 'Start rate' : 'Rate', 'msg/s')}
        {f.mode === 'capacity' && text('factor', 'Each level ×', 'rate')}
        {f.mode === 'capacity' && text('levels', 'Levels', 'at most')}
        {text('rounds', 'Rounds', 'interleaved')}
        {text('sleepMs', 'Sleep per task', 'ms')}
        {text('cpuMs', 'CPU per task', 'ms')}
        {text('failureRate', 'Failure rate', '0–1')}
        {text('payloadBytes', 'Payload', 'bytes')}
        {text('warmupMs', 'Warm-up', 'ms')}
        {text('measureMs', 'Measure', 'ms per step')}
        {text('p99BudgetMs', 'p99 budget', f.mode === 'capacity' ? 'ms (needed)' : 'ms (empty: none)')}
        {text('name', 'Name')}
      </div>
      <label className="row" style={{ gap: 6 }}>
        <input type="checkbox" data-testid="tuning-replay" checked={f.replay} onChange={(e) => setF({ ...f, replay: e.target.checked })} />
        Replay the live pool's last 10 minutes of traffic instead (arrival gaps, sizes, run times, failures — never contents)
      </label>
      {f.replay && text('replayMultiple', 'Replay at', '× the recorded rate')}
      {errors.replay && <div className="error-text">{errors.replay}</div>}
      <p className="muted" data-testid="tuning-shared-cores" style={{ margin: 0 }}>
        Steps share this machine's cores with the live pool: while they run, the live pool may answer slower. Its p99 and throughput before and during
        are measured and shown with the result.
      </p>
      <div className="row">
        <button type="submit" className="btn primary" data-testid="tuning-run" disabled={!check.ok || starting || running}>
          Run experiment
        </button>
        {running && <span className="muted">One experiment at a time.</span>}
      </div>
    </form>
  );
}
