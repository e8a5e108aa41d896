// Turning a worker that died before `agent.register` into the real reason an
// operator can act on (Piscina #704: start-up errors swallowed). The worker's
// own agent.fatal is best; without it (interpreter missing, greenlet/gevent not
// installed, a crash while importing) the spawn error or Python's last stderr
// lines are the truth.
import type { ResolvedPython } from '../python-runtime';

const TAIL_LINES = 40;
const TAIL_LINE_CHARS = 2000;

/** The last lines a worker wrote to stderr, bounded in count and width. */
export class StderrTail {
  private lines: string[] = [];

  push(line: string): void {
    this.lines.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }

  text(): string {
    return this.lines.join('\n').trim();
  }

  clear(): void {
    this.lines = [];
  }
}

export interface ExitResult {
  failed?: boolean;
  exitCode?: number;
  signal?: string;
  code?: string; // spawn error code (ENOENT, EACCES)
  originalMessage?: string;
}

const SOURCE: Record<ResolvedPython['source'], string> = {
  config: 'pythonPath option',
  env: 'GREENLET_PYTHON',
  venv: 'project venv',
  system: 'system default',
};

export function startFailureText(result: ExitResult, python: ResolvedPython, stderrTail: string): string {
  const who = `"${python.path}" (from ${SOURCE[python.source]})`;
  if (result.exitCode === undefined && result.signal === undefined && result.code) {
    const what = result.code === 'ENOENT' ? 'Python interpreter not found' : `Python interpreter could not be started (${result.code})`;
    return `${what}: ${who} — ${result.originalMessage ?? result.code}. Set pythonPath or GREENLET_PYTHON to a Python with greenlet and gevent installed.`;
  }
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  const hint = /No module named '(greenlet|gevent)'/.test(stderrTail)
    ? ` greenlet/gevent are missing from ${who}: install them (pip install greenlet gevent) or point pythonPath at an interpreter that has them.`
    : '';
  const said = stderrTail ? ` Python said:\n${stderrTail}` : ' It wrote nothing to stderr.';
  return `Worker ${how} before it registered (interpreter ${who}).${hint}${said}`;
}
