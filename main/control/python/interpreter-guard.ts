// Which programs the API may make this process run as "Python". A token holder can
// set pool.pythonPath or call checkPythonEnv {pythonPath}; without a guard that is
// "run any program as the server's user". So a path chosen over the API must be
//   1. on the allow-list (nothing is executed otherwise),
//   2. an existing regular file,
//   3. confirmed as Python by a short probe (`-c "import sys; print(sys.implementation.name)"`,
//      no shell, 5 s timeout) — before it is used for anything else.
// The allow-list comes from config.json (python.allowedInterpreters) and the environment
// only; a config patch cannot change it (common/schemas.ts), so a stolen token cannot widen it.
// Paths are compared exactly (resolved, not realpath'd): a symlink to an allowed binary is
// not the same interpreter — next to a pyvenv.cfg it loads another site-packages.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../../../common/schemas';
import { defaultRuntimeDir, firstUsablePython, pythonSearchOrder } from '../../pool/index';
import { ApiError } from '../api-error';
import { appVenvDir, type RuntimeContext } from '../config/pool-options';
import { venvPythonPath, whichSync } from './python-probe';

/** Extra allowed interpreters from the environment, separated like PATH. */
export const ALLOW_ENV = 'GREENLET_CC_ALLOWED_PYTHONS';
const PROBE_TIMEOUT_MS = 5_000;
const PROBE = 'import sys; print(sys.implementation.name)';
// sys.implementation.name of the Pythons people run; anything else printed is not taken as Python.
const IMPLEMENTATIONS: ReadonlySet<string> = new Set(['cpython', 'pypy', 'graalpy', 'pyston', 'cinder', 'micropython', 'rustpython', 'ironpython', 'jython']);

export type InterpreterRefusal = 'ERR_PYTHON_NOT_ALLOWED' | 'ERR_PYTHON_NOT_A_FILE' | 'ERR_PYTHON_NOT_PYTHON';

/** A refusal as the API reports it: ERR_VALIDATION naming the field, the reason in details. */
function refuse(field: string, reason: InterpreterRefusal, message: string): ApiError {
  return new ApiError('ERR_VALIDATION', `Invalid input — ${field}: ${message}`, [{ path: field, message }], { field, reason });
}

/**
 * The allow-list: python.allowedInterpreters from config.json, GREENLET_CC_ALLOWED_PYTHONS,
 * every place of the engine's search order (pythonSearchOrder: GREENLET_PYTHON, the app-data
 * venv, the runtime's development venv) and the engine's own default (python3 on PATH unless
 * a development venv comes first), plus `trusted` (pool.pythonPath as config.json had it at start).
 */
export function allowedInterpreters(config: AppConfig, ctx: RuntimeContext, trusted: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Set<string> {
  const runtimeDir = ctx.runtimeDir ?? defaultRuntimeDir();
  const order = pythonSearchOrder({ appVenvPython: venvPythonPath(appVenvDir(ctx.dataDir)), runtimeDir, env });
  // The engine's own default (no app venv): python3 on PATH stays selectable beside the app's venv.
  const fallback = firstUsablePython(pythonSearchOrder({ runtimeDir, env }));
  const list = [
    ...config.python.allowedInterpreters,
    ...(env[ALLOW_ENV] ?? '').split(path.delimiter),
    ...order.filter((s) => s.source !== 'system').map((s) => s.path),
    path.isAbsolute(fallback.path) ? fallback.path : whichSync(fallback.path),
    ...trusted,
  ];
  return new Set(list.filter((p): p is string => !!p && p.trim() !== '').map((p) => path.resolve(p)));
}

function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Runs the probe; resolves with the implementation name, or the reason it is not Python. */
function probe(file: string): Promise<{ name?: string; problem?: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, ['-c', PROBE], { timeout: PROBE_TIMEOUT_MS, shell: false, windowsHide: true, maxBuffer: 64 * 1024 }, (err, stdout) => {
      const name = String(stdout).trim();
      if (err) return resolve({ problem: err.killed ? `no answer within ${PROBE_TIMEOUT_MS} ms` : (err as NodeJS.ErrnoException).code === 'EACCES' ? 'not executable' : `it failed (${err.message.split('\n')[0]})` });
      if (!IMPLEMENTATIONS.has(name)) return resolve({ problem: `it printed ${JSON.stringify(name.slice(0, 60))}, not a Python implementation name` });
      resolve({ name });
    });
    child.stdin?.end();
  });
}

/** Steps 2 and 3 only: for a path that came from config.json or the environment (already trusted). */
export async function checkIsPython(file: string, field: string): Promise<void> {
  if (!isRegularFile(file)) throw refuse(field, 'ERR_PYTHON_NOT_A_FILE', `${file} is not an existing regular file`);
  const r = await probe(file);
  if (r.problem) throw refuse(field, 'ERR_PYTHON_NOT_PYTHON', `${file} did not answer as a Python interpreter: ${r.problem}`);
}

/** All three steps, for a path chosen over the API. */
export async function checkSelectableInterpreter(file: string, field: string, allowed: ReadonlySet<string>): Promise<void> {
  if (!allowed.has(path.resolve(file))) {
    throw refuse(
      field,
      'ERR_PYTHON_NOT_ALLOWED',
      `${file} is not an allowed interpreter; an administrator can add it to python.allowedInterpreters in config.json (or ${ALLOW_ENV})`,
    );
  }
  await checkIsPython(file, field);
}
