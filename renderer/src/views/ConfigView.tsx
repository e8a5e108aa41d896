import { POOL_FIELDS, SAMPLING_FIELDS } from '../lib/configFields';
import { ConfigForm } from './ConfigForm';

export function ConfigView() {
  return (
    <div className="stack">
      <h2>Configuration</h2>
      <p className="muted" style={{ margin: 0 }}>
        Values are checked as you type. Preview shows what changes and which changes restart workers; nothing is applied while a field has an error.
      </p>
      <ConfigForm fields={POOL_FIELDS} section="pool" testId="config-pool" />
      <h2 style={{ marginTop: 24 }}>Sampling</h2>
      <ConfigForm fields={SAMPLING_FIELDS} section="sampling" testId="config-sampling" />
    </div>
  );
}
