import { useState } from 'react';
import type { SnapshotFile } from '../../../common/contract';
import { downloadFile } from '../lib/download';
import { formatBytes } from '../lib/format';
import { api, errorText } from '../state/api';
import { useConnection } from '../state/connection';
import { RANGES } from '../state/metrics';

export function ExportView() {
  const mode = useConnection((s) => s.mode);
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  const [rangeMs, setRangeMs] = useState<number>(RANGES[2].ms);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<SnapshotFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const f = await api().exportSnapshot({ format, rangeMs });
      // in the desktop app the host already saved it through its dialog
      if (mode !== 'electron') downloadFile(f);
      setFile(f);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack" style={{ maxWidth: 900 }}>
      <h2>Export a snapshot</h2>
      <p className="muted" style={{ margin: 0 }}>
        JSON holds the configuration, stats, per-worker stats, alerts and the metrics history of the chosen window; CSV holds the history.
        {mode === 'electron' ? ' The app asks where to save it.' : ' The browser downloads it.'}
      </p>
      <div className="row panel">
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="muted" style={{ float: 'left', marginRight: 8 }}>
            Format
          </legend>
          <label>
            <input type="radio" name="fmt" value="json" data-testid="export-json" checked={format === 'json'} onChange={() => setFormat('json')} />{' '}
            JSON
          </label>
          <label>
            <input type="radio" name="fmt" value="csv" data-testid="export-csv" checked={format === 'csv'} onChange={() => setFormat('csv')} /> CSV
          </label>
        </fieldset>
        <label htmlFor="export-range">History window</label>
        <select id="export-range" data-testid="export-range" value={rangeMs} onChange={(e) => setRangeMs(Number(e.target.value))}>
          {RANGES.map((r) => (
            <option key={r.ms} value={r.ms}>
              {r.label}
            </option>
          ))}
        </select>
        <button className="btn primary" data-testid="export-run" disabled={busy} onClick={() => void run()}>
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
      {error && (
        <div className="error-text" role="alert">
          {error}
        </div>
      )}
      {file && (
        <div className="panel stack" data-testid="export-result">
          <div>
            {mode === 'electron' && file.savedTo === null ? 'Save cancelled for ' : mode === 'electron' ? 'Saved ' : 'Downloaded '}
            <strong className="mono" data-testid="export-filename">
              {file.filename}
            </strong>{' '}
            ({formatBytes(new Blob([file.content]).size)}){file.savedTo && <span className="muted"> to {file.savedTo}</span>}
          </div>
          <pre className="mono muted" style={{ maxHeight: 240, overflow: 'auto' }}>
            {file.content.slice(0, 2000)}
            {file.content.length > 2000 ? '\n…' : ''}
          </pre>
        </div>
      )}
    </div>
  );
}
