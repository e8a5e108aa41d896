import { useState, type FormEvent } from 'react';
import { loadFieldError, type LoadField } from '../../../common/load-shape';
import { formatCount, formatMs } from '../lib/format';
import { taskWaitText } from '../lib/taskWait';
import { useLoad, type LoadForm } from '../state/load';

export function ConsoleView() {
  return (
    <div className="two-col">
      <TaskConsole />
      <LoadGenerator />
    </div>
  );
}

function TaskConsole() {
  const [text, setText] = useState('{"message": "hello"}');
  const [parseError, setParseError] = useState<string | null>(null);
  const task = useLoad((s) => s.task);
  const taskError = useLoad((s) => s.taskError);
  const sending = useLoad((s) => s.sending);
  const taskProgress = useLoad((s) => s.taskProgress);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      setParseError(`Not valid JSON: ${(err as Error).message}`);
      return;
    }
    setParseError(null);
    void useLoad.getState().sendTask(data);
  };
  return (
    <form className="panel stack" onSubmit={submit} aria-label="Send one task" data-testid="task-form">
      <h2 style={{ margin: 0 }}>Send a task</h2>
      <label htmlFor="task-data">
        Task data (JSON) — the demo agent returns it; <code>sleep_ms</code> makes it wait, <code>fail: true</code> makes it raise.
      </label>
      <textarea
        id="task-data"
        data-testid="task-data"
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={!!parseError || undefined}
      />
      {parseError && (
        <div className="error-text" role="alert">
          {parseError}
        </div>
      )}
      <div className="row">
        <button className="btn primary" type="submit" disabled={sending} data-testid="task-send">
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      {sending && (
        <div className="muted" role="status" data-testid="task-wait">
          {taskWaitText(taskProgress)}
        </div>
      )}
      {taskError && (
        <pre className="error-text" role="alert" data-testid="task-error">
          {taskError}
        </pre>
      )}
      {/* always present, so screen readers hear each new result (a region inserted with its text often is not read) */}
      <span className="sr-only" role="status">
        {task ? `Result from ${task.workerId} in ${formatMs(task.latencyMs)}` : ''}
      </span>
      {task && (
        <div data-testid="task-result">
          <dl className="kv">
            <dt>Worker</dt>
            <dd className="mono" data-testid="task-worker">
              {task.workerId}
            </dd>
            <dt>Latency</dt>
            <dd data-testid="task-latency">{formatMs(task.latencyMs)}</dd>
            <dt>Queue wait</dt>
            <dd>{formatMs(task.queueWaitMs)}</dd>
            <dt>Attempts</dt>
            <dd>{task.attempts}</dd>
          </dl>
          <pre className="panel" style={{ marginTop: 8 }} data-testid="task-output">
            {JSON.stringify(task.result, null, 2)}
          </pre>
        </div>
      )}
    </form>
  );
}

// The load sends {sleep_ms, fail, payload}: only the demo agent (echo_agent) reads sleep_ms and fail.
const DEMO_ONLY = 'Demo agent only (echo_agent reads it; other agents ignore it)';

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

function LoadGenerator() {
  const status = useLoad((s) => s.status);
  const loadError = useLoad((s) => s.loadError);
  const f = useLoad((s) => s.form);
  const errors: Record<string, string> = {};
  const v = { rate: num(f.rate), count: num(f.count), sleepMs: num(f.sleepMs), failureRate: num(f.failureRate), payloadBytes: num(f.payloadBytes) };
  for (const k of Object.keys(v) as LoadField[]) {
    const err = loadFieldError(k, v[k]);
    if (err) errors[k] = err;
  }
  const ok = Object.keys(errors).length === 0;
  const running = status?.running ?? false;
  const input = (key: keyof LoadForm, label: string, unit: string, help?: string) => (
    <div className="field">
      <label htmlFor={`load-${key}`}>{label}</label>
      <div className="inputline">
        <input
          id={`load-${key}`}
          data-testid={`load-${key}`}
          value={f[key]}
          aria-invalid={!!errors[key] || undefined}
          aria-describedby={`load-${key}-unit${help ? ` load-${key}-help` : ''}${errors[key] ? ` load-${key}-err` : ''}`} // unit, help and error are read with the field
          onChange={(e) => useLoad.getState().setFormField(key, e.target.value)}
        />
        <span className="unit" id={`load-${key}-unit`}>
          {unit}
        </span>
      </div>
      {help && (
        <div className="muted" id={`load-${key}-help`} data-testid={`load-${key}-help`}>
          {help}
        </div>
      )}
      {errors[key] && (
        <div className="error-text" id={`load-${key}-err`}>
          {errors[key]}
        </div>
      )}
    </div>
  );
  const progress = status && status.target > 0 ? Math.min(1, status.sent / status.target) : null;
  return (
    <section className="panel stack" aria-label="Load generator" data-testid="load-panel">
      <h2 style={{ margin: 0 }}>Load generator</h2>
      <div className="fields" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(160px, 1fr))' }}>
        {input('rate', 'Rate', 'msg/s')}
        {input('count', 'Count', '0 = ∞')}
        {input('sleepMs', 'Sleep per task', 'ms', DEMO_ONLY)}
        {input('failureRate', 'Failure rate', '0–1', DEMO_ONLY)}
        {input('payloadBytes', 'Payload', 'bytes')}
      </div>
      <div className="row">
        <button className="btn primary" data-testid="load-start" disabled={!ok || running} onClick={() => void useLoad.getState().start(v)}>
          Start load
        </button>
        <button className="btn danger" data-testid="load-stop" disabled={!running} onClick={() => void useLoad.getState().stop()}>
          Stop
        </button>
        <span className={`chip ${running ? 'ok' : 'muted'}`} data-testid="load-state">
          {running ? 'running' : 'stopped'}
        </span>
      </div>
      {loadError && (
        <div className="error-text" role="alert">
          {loadError}
        </div>
      )}
      {status && (
        <dl className="kv" data-testid="load-status">
          <dt>Sent</dt>
          <dd data-testid="load-sent">
            {formatCount(status.sent)}
            {status.target > 0 && ` of ${formatCount(status.target)}`}
          </dd>
          <dt>Succeeded</dt>
          <dd>{formatCount(status.succeeded)}</dd>
          <dt>Failed</dt>
          <dd>{formatCount(status.failed)}</dd>
          <dt>Rejected (queue full)</dt>
          <dd>{formatCount(status.rejected)}</dd>
          <dt>Rate</dt>
          <dd>{status.rate} msg/s</dd>
        </dl>
      )}
      {progress !== null && (
        <div
          className="fill"
          role="progressbar"
          aria-label="Load progress"
          aria-valuenow={Math.round(progress * 100)}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <div style={{ width: `${progress * 100}%` }} />
        </div>
      )}
    </section>
  );
}
