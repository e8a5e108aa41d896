// One config setting: label, input, unit, help, and its error right below —
// the error is tied to the input (aria-describedby) so screen readers read it.
import type { DraftValue } from '../lib/configDraft';
import { fieldPath, type FieldMeta } from '../lib/configFields';
import { humanMs } from '../lib/format';

interface Props {
  field: FieldMeta;
  value: DraftValue | undefined;
  error?: string;
  changed?: boolean;
  onChange(path: string, v: DraftValue): void;
}

export function Field({ field, value, error, changed, onChange }: Props) {
  const path = fieldPath(field);
  const id = `f-${path}`;
  const describe = `${id}-help${error ? ` ${id}-err` : ''}`;
  const common = {
    id,
    'data-testid': `field-${path}`,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describe,
  } as const;
  const chosen = field.options?.find((o) => o.value === value);
  let input;
  if (field.kind === 'bool')
    input = <input type="checkbox" {...common} checked={Boolean(value)} onChange={(e) => onChange(path, e.target.checked)} />;
  else if (field.kind === 'enum')
    input = (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(path, e.target.value)}>
        {field.options?.map((o) => (
          <option key={o.value} value={o.value} title={o.description}>
            {o.label}
          </option>
        ))}
      </select>
    );
  else
    input = (
      <input
        type="text"
        inputMode={field.kind === 'int' || field.kind === 'number' ? 'decimal' : 'text'}
        spellCheck={false}
        autoComplete="off"
        {...common}
        value={String(value ?? '')}
        onChange={(e) => onChange(path, e.target.value)}
      />
    );
  return (
    <div className={`field ${changed ? 'changed' : ''}`}>
      <label htmlFor={id}>{field.label}</label>
      <div className="inputline">
        {input}
        {field.unit && <span className="unit">{field.unit}</span>}
        {/* 3600000 ms reads as "1 h" */}
        {field.unit === 'ms' && Number(value) >= 1000 && (
          <span className="unit" data-testid={`human-${path}`}>
            = {humanMs(Number(value))}
          </span>
        )}
      </div>
      <div className="help" id={`${id}-help`}>
        {field.help}
        {chosen?.description && ` ${chosen.label}: ${chosen.description}`}
      </div>
      {error && (
        <div className="error-text" id={`${id}-err`} role="alert" data-testid={`error-${path}`}>
          {error}
        </div>
      )}
    </div>
  );
}
