// The experiment form: one or two settings with their values, the load (the
// load generator's shapes), warm-up and measured time, an optional p99 budget.
import { useState } from 'react';
import { TUNING_SETTINGS, type TuningSetting } from '../../../common/contract';
import { SETTING_LABELS } from '../../../common/tuning-series';
import { checkTuningForm, DEFAULT_TUNING_FORM, type TuningForm } from '../lib/tuningForm';
import { useTuning } from '../state/tuning';

type TextKey = Exclude<keyof TuningForm, 'setting1' | 'setting2' | 'replay'>;

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
      <select id={`tuning-${key}`} data-testid={`tuning-${key}`} style={{ width: '100%' }} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value as TuningSetting | '' })}>
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
        {text('rate', 'Rate', 'msg/s')}
        {text('sleepMs', 'Sleep per task', 'ms')}
        {text('cpuMs', 'CPU per task', 'ms')}
        {text('failureRate', 'Failure rate', '0–1')}
        {text('payloadBytes', 'Payload', 'bytes')}
        {text('warmupMs', 'Warm-up', 'ms')}
        {text('measureMs', 'Measure', 'ms per step')}
        {text('p99BudgetMs', 'p99 budget', 'ms (empty: today)')}
        {text('name', 'Name')}
      </div>
      <label className="row" style={{ gap: 6 }}>
        <input type="checkbox" data-testid="tuning-replay" checked={f.replay} onChange={(e) => setF({ ...f, replay: e.target.checked })} />
        Replay the live pool's last 10 minutes of traffic instead (arrival gaps, sizes, run times, failures — never contents)
      </label>
      {errors.replay && <div className="error-text">{errors.replay}</div>}
      <div className="row">
        <button type="submit" className="btn primary" data-testid="tuning-run" disabled={!check.ok || starting || running}>
          Run experiment
        </button>
        {running && <span className="muted">One experiment at a time.</span>}
      </div>
    </form>
  );
}
