// A form over a set of config fields, shared by Configuration and the
// alert thresholds editor: inline errors, diff preview, apply.
import { DiffTable } from '../components/DiffTable';
import { Field } from '../components/Field';
import { fieldPath, type FieldMeta, type Section } from '../lib/configFields';
import { sectionCheck, useConfig } from '../state/config';

export function ConfigForm({ fields, section, testId }: { fields: FieldMeta[]; section: Section; testId: string }) {
  const config = useConfig((s) => s.config);
  const draft = useConfig((s) => s.draft);
  const check = useConfig((s) => s.check);
  const serverErrors = useConfig((s) => s.serverErrors);
  const preview = useConfig((s) => (s.previewSection === section ? s.preview : null));
  const busy = useConfig((s) => s.busy);
  const error = useConfig((s) => s.error);
  const lastResult = useConfig((s) => s.lastResult);
  const { setField, reset, previewChanges, apply } = useConfig.getState();
  if (!config) return <div className="empty">Loading configuration…</div>;
  const c = sectionCheck(check, section);
  const errCount = Object.keys(c.errors).length;
  const groups = [...new Set(fields.map((f) => f.group ?? ''))];
  return (
    <form
      data-testid={testId}
      aria-label={`${section} settings`}
      onSubmit={(e) => {
        e.preventDefault();
        void apply(section);
      }}
    >
      {groups.map((g) => (
        <section key={g}>
          {g && <h3>{g}</h3>}
          <div className="fields">
            {fields
              .filter((f) => (f.group ?? '') === g)
              .map((f) => {
                const p = fieldPath(f);
                return (
                  <Field
                    key={p}
                    field={f}
                    value={draft[p]}
                    error={c.errors[p] ?? serverErrors[p]}
                    changed={c.changed.includes(p)}
                    onChange={setField}
                  />
                );
              })}
          </div>
        </section>
      ))}
      <div className="actions">
        {preview && preview.diff.length > 0 && <DiffTable diff={preview.diff} testId="config-diff" />}
        <div className="row">
          <button
            type="button"
            className="btn"
            data-testid={`${testId}-preview`}
            disabled={busy || !c.valid || !c.changed.length}
            onClick={() => void previewChanges(section)}
          >
            Preview changes
          </button>
          <button type="submit" className="btn primary" data-testid={`${testId}-apply`} disabled={busy || !c.valid || !c.changed.length}>
            Apply {c.changed.length ? `${c.changed.length} change${c.changed.length === 1 ? '' : 's'}` : ''}
          </button>
          <button type="button" className="btn" data-testid={`${testId}-reset`} disabled={busy} onClick={reset}>
            Discard edits
          </button>
          <span role="status" data-testid={`${testId}-status`}>
            {errCount > 0 ? (
              <span className="error-text">
                {errCount} field{errCount === 1 ? '' : 's'} need{errCount === 1 ? 's' : ''} fixing — nothing will be applied.
              </span>
            ) : error ? (
              <span className="error-text">{error}</span>
            ) : lastResult && !c.changed.length ? (
              <span className="ok-text">
                Applied{lastResult.applied.length ? `: ${lastResult.applied.join(', ')}` : ''}
                {lastResult.restartRequired.length ? ` — workers restarted for ${lastResult.restartRequired.join(', ')}` : ''}
              </span>
            ) : c.changed.length ? (
              <span className="muted">Unsaved: {c.changed.join(', ')}</span>
            ) : (
              <span className="muted">No changes.</span>
            )}
          </span>
        </div>
      </div>
    </form>
  );
}
