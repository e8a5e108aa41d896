import { useState, type FormEvent } from 'react';
import type { AgentValidation } from '../../../common/contract';
import { api, errorText } from '../state/api';
import { useConfig } from '../state/config';
import { usePython } from '../state/python';
import { useStats } from '../state/stats';

export function PythonView() {
  const report = usePython((s) => s.report);
  const progress = usePython((s) => s.progress);
  const busy = usePython((s) => s.busy);
  const error = usePython((s) => s.error);
  const startError = useStats((s) => s.stats?.startError);
  const configured = useConfig((s) => s.config?.pool.pythonPath);
  const [path, setPath] = useState('');
  return (
    <div className="stack" style={{ maxWidth: 960 }}>
      <h2>Python environment</h2>
      {startError && (
        <div className="panel">
          <strong className="error-text">Workers report this start-up error:</strong>
          <pre className="mono" data-testid="python-start-error">
            {startError}
          </pre>
        </div>
      )}
      <div className="row panel">
        <label htmlFor="py-path">Interpreter to check</label>
        <input
          id="py-path"
          data-testid="python-path"
          placeholder={configured ?? 'auto (GREENLET_PYTHON, python/.venv, python3)'}
          title={configured ?? 'auto (GREENLET_PYTHON, python/.venv, python3)'}
          value={path}
          onChange={(e) => setPath(e.target.value)}
          style={{ minWidth: 320 }}
        />
        <button className="btn" data-testid="python-check" disabled={!!busy} onClick={() => void usePython.getState().check(path || undefined)}>
          {busy === 'check' ? 'Checking…' : 'Check'}
        </button>
        <button className="btn primary" data-testid="python-setup" disabled={!!busy} onClick={() => void usePython.getState().setup()}>
          {busy === 'setup' ? 'Setting up…' : 'Create / repair venv'}
        </button>
      </div>
      {progress && busy === 'setup' && (
        <div className="panel" role="status">
          {progress.step}: {progress.message}
          <div className="fill">
            <div style={{ width: `${progress.percent}%` }} />
          </div>
        </div>
      )}
      {error && (
        <pre className="error-text" role="alert">
          {error}
        </pre>
      )}
      {!report && !busy && !error && (
        <p className="muted" data-testid="python-hint" style={{ margin: 0 }}>
          Check reports the interpreter's version and whether greenlet and gevent import; leave the field empty to check the one the workers use.
          Create / repair sets up a private venv with greenlet and gevent in the app’s data folder.
        </p>
      )}
      <AgentCheck />
      {report && (
        <div className="panel stack" data-testid="python-report" data-ok={report.ok}>
          <div>
            <span className={`chip ${report.ok ? 'ok' : 'crit'}`}>{report.ok ? 'Ready' : 'Problem'}</span>
          </div>
          <dl className="kv">
            <dt>Interpreter</dt>
            <dd className="mono">{report.interpreter ?? '—'}</dd>
            <dt>Found via</dt>
            <dd>{report.source ?? '—'}</dd>
            <dt>Python</dt>
            <dd>{report.pythonVersion ?? '—'}</dd>
            <dt>greenlet</dt>
            <dd>{report.greenletVersion ?? 'missing'}</dd>
            <dt>gevent</dt>
            <dd>{report.geventVersion ?? 'missing'}</dd>
          </dl>
          {report.problem && (
            <div className="error-text">
              <strong>Problem:</strong> {report.problem}
            </div>
          )}
          {report.fix && (
            <div>
              <strong>Fix:</strong> {report.fix}
            </div>
          )}
          {report.errorText && <pre className="mono panel">{report.errorText}</pre>}
        </div>
      )}
    </div>
  );
}

/** Imports an agent class in a throw-away worker: the real Python error if it fails, before it goes into the config. */
function AgentCheck() {
  const pool = useConfig((s) => s.config?.pool);
  const [agent, setAgent] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AgentValidation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api().validateAgent({ agent: agent || pool?.agent || '', pythonPaths: pool?.pythonPaths ?? [] }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel stack" onSubmit={(e) => void submit(e)} aria-label="Check an agent class" data-testid="agent-check">
      <div className="row">
        <label htmlFor="agent-path">Agent class</label>
        <input
          id="agent-path"
          data-testid="agent-path"
          placeholder={pool?.agent ?? 'package.module:ClassName'}
          value={agent}
          onChange={(e) => setAgent(e.target.value)}
          style={{ minWidth: 320 }}
        />
        <button className="btn" type="submit" data-testid="agent-validate" disabled={busy}>
          {busy ? 'Starting a test worker…' : 'Check agent'}
        </button>
      </div>
      {error && (
        <pre className="error-text" role="alert">
          {error}
        </pre>
      )}
      {result && (
        <div data-testid="agent-result" data-ok={result.ok}>
          {result.ok ? (
            <span className="ok-text">
              Loads as <strong className="mono">{result.agentId}</strong>
              {result.capabilities?.length ? ` — capabilities: ${result.capabilities.join(', ')}` : ''}
            </span>
          ) : (
            <pre className="mono error-text">{result.errorText ?? 'The agent did not load.'}</pre>
          )}
        </div>
      )}
    </form>
  );
}
