// First-run Python environment: check the interpreter the workers will use, and set up a
// private venv with greenlet and gevent in the app's data directory. Plain Node (no electron)
// so it is tested against real interpreters. Neither function throws: every failure comes back
// as a report saying what is missing, how to fix it, and the interpreter's real error text.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { defaultRuntimeDir } from '../../pool/index';
import type { PythonEnvReport, PythonSetupProgress } from '../../../common/contract';
import {
  MIN_PACKAGES,
  compareVersions,
  displayCommand,
  findPythonCandidates,
  installPythonHint,
  isSupportedPython,
  probePython,
  venvPythonPath,
  type PythonCandidate,
} from './python-probe';

export { findPythonCandidates, venvPythonPath, type PythonCandidate } from './python-probe';

export interface CheckPythonOptions {
  pythonPath?: string; // the operator's choice; checked alone, never replaced by another
  venvDir?: string; // the app-data venv made by setupPythonEnv
  runtimeDir?: string; // folder with greenlet_a2a/; its .venv counts (development); default: the repo's python/
  env?: Record<string, string>; // extra environment for the interpreter
}

const PACKAGE_NAMES = ['greenlet', 'gevent'] as const;
const pipSpec = () => PACKAGE_NAMES.map((n) => `"${n}>=${MIN_PACKAGES[n]}"`).join(' ');
const setupHint = (venvDir?: string) =>
  `click "Set up Python environment" to create a private environment with them${venvDir ? ` in ${venvDir}` : ''}`;

/** Turns one probed interpreter into a report (ok, or exactly what is wrong with it). */
async function evaluate(c: PythonCandidate, opts: CheckPythonOptions): Promise<PythonEnvReport> {
  const shown = displayCommand(c);
  const p = await probePython(c, opts.env);
  const base: PythonEnvReport = { ok: false, interpreter: p.executable ?? shown, source: c.source };
  if (!p.ran) {
    if (p.spawnCode === 'ENOENT') {
      return {
        ...base,
        problem: `No Python interpreter at ${shown}: that file does not exist.`,
        fix: `Choose an existing Python 3.9+ interpreter, or clear the setting and ${setupHint(opts.venvDir)}. ${installPythonHint()}.`,
        errorText: p.errorText,
      };
    }
    if (p.spawnCode === 'EACCES') {
      return {
        ...base,
        problem: `${shown} cannot be run (permission denied); it is not an executable Python interpreter.`,
        fix: 'Point at the python executable itself (e.g. …/bin/python3 or python.exe), not at a folder or script.',
        errorText: p.errorText,
      };
    }
    return {
      ...base,
      problem: `${shown} did not run as Python.`,
      fix: `Check that it is a working Python 3.9+ interpreter, or ${setupHint(opts.venvDir)}.`,
      errorText: p.errorText,
    };
  }
  const report: PythonEnvReport = {
    ...base,
    pythonVersion: p.pythonVersion,
    greenletVersion: p.packages.greenlet.version,
    geventVersion: p.packages.gevent.version,
  };
  if (!isSupportedPython(p.versionInfo)) {
    return {
      ...report,
      problem: `Python ${p.pythonVersion} at ${report.interpreter} is too old: the agent runtime needs Python 3.9 or newer.`,
      fix: `${installPythonHint()}, then point the app at it or ${setupHint(opts.venvDir)}.`,
    };
  }
  const missing = PACKAGE_NAMES.filter((n) => !p.packages[n].version);
  if (missing.length) {
    return {
      ...report,
      problem: `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed for Python ${p.pythonVersion} at ${report.interpreter}.`,
      fix: `Either ${setupHint(opts.venvDir)}, or install them into this interpreter: "${report.interpreter}" -m pip install ${pipSpec()}`,
      errorText: missing.map((n) => p.packages[n].error).join('\n'),
    };
  }
  const old = PACKAGE_NAMES.filter((n) => compareVersions(p.packages[n].version ?? '0', MIN_PACKAGES[n]) < 0);
  if (old.length) {
    return {
      ...report,
      problem: old.map((n) => `${n} ${p.packages[n].version} is older than the required ${MIN_PACKAGES[n]}`).join('; ') + '.',
      fix: `Upgrade: "${report.interpreter}" -m pip install --upgrade ${pipSpec()}`,
    };
  }
  return { ...report, ok: true };
}

/**
 * Reports on the interpreter the workers would use — the first candidate, in the same order the
 * control plane resolves the workers' Python (configured path, GREENLET_PYTHON, app-data venv,
 * development venv, python3/python on PATH). A configured path is checked alone. When the first
 * system Python is unusable and another one found on this computer works, the fix names it.
 */
export async function checkPythonEnv(opts: CheckPythonOptions = {}): Promise<PythonEnvReport> {
  try {
    const candidates = findPythonCandidates(opts.pythonPath, opts.venvDir, undefined, opts.runtimeDir ?? defaultRuntimeDir());
    const [first, ...others] = candidates;
    if (!first) {
      return {
        ok: false,
        problem: 'No Python interpreter was found (looked for python3 and python on PATH and in the usual install folders).',
        fix: `${installPythonHint()}, then ${setupHint(opts.venvDir)}, or point the app at an existing interpreter.`,
      };
    }
    const report = await evaluate(first, opts);
    if (report.ok || first.source !== 'system') return report;
    for (const c of others) {
      const alt = await evaluate(c, opts);
      if (alt.ok) return { ...report, fix: `${report.fix} Or point the app at ${alt.interpreter} (Python ${alt.pythonVersion}), which already has them.` };
    }
    return report;
  } catch (err) {
    return { ok: false, problem: 'Checking the Python environment failed unexpectedly.', fix: 'See the error text.', errorText: errorText(err) };
  }
}

export interface SetupPythonOptions {
  venvDir: string; // created (or reused) here; the app's data directory
  basePython?: string; // interpreter to create the venv with; else found like checkPythonEnv
  requirementsFile?: string; // python/requirements.txt (pinned versions); else the minimums
  onProgress?: (p: PythonSetupProgress) => void;
  env?: Record<string, string>; // extra environment (proxy settings, PIP_INDEX_URL, ...)
}

const PIP_TIMEOUT_MS = 15 * 60_000; // a slow network building gevent from source takes long

const setupsInFlight = new Map<string, Promise<PythonEnvReport>>();

/**
 * Finds Python 3.9+, creates a venv in venvDir, pip-installs greenlet and gevent, verifies.
 * A second call for the same venvDir while one runs (a double click) joins the running setup
 * instead of starting a second pip in the same venv.
 */
export function setupPythonEnv(opts: SetupPythonOptions): Promise<PythonEnvReport> {
  const key = resolve(opts.venvDir);
  const running = setupsInFlight.get(key);
  if (running) return running;
  const job = runSetup(opts).finally(() => setupsInFlight.delete(key));
  setupsInFlight.set(key, job);
  return job;
}

async function runSetup(opts: SetupPythonOptions): Promise<PythonEnvReport> {
  const emit = (step: PythonSetupProgress['step'], message: string, percent: number) => opts.onProgress?.({ step, message, percent });
  const fail = (r: PythonEnvReport): PythonEnvReport => {
    emit('failed', r.problem ?? 'Setup failed', 100);
    return { ...r, ok: false };
  };
  try {
    emit('find-python', 'Looking for a Python 3.9+ interpreter', 5);
    const base = await findBasePython(opts);
    if (!base.ok || !base.interpreter) return fail(base);
    const venvPy = venvPythonPath(opts.venvDir);

    emit('create-venv', `Creating a virtual environment in ${opts.venvDir} with Python ${base.pythonVersion}`, 20);
    const existing = existsSync(venvPy) ? await checkPythonEnv({ pythonPath: venvPy, env: opts.env }) : undefined;
    if (!existing?.pythonVersion) {
      // --clear: a half-made venv from an interrupted run is rebuilt instead of failing.
      const r = await execa(base.interpreter, ['-m', 'venv', '--clear', opts.venvDir], { reject: false, all: true, env: opts.env, stdin: 'ignore' });
      if (r.failed) {
        const text = String(r.all ?? '') || (r.message ?? '');
        const noEnsurepip = /ensurepip|python3(\.\d+)?-venv/i.test(text);
        return fail({
          ok: false,
          interpreter: base.interpreter,
          source: 'system',
          pythonVersion: base.pythonVersion,
          problem: `Could not create a virtual environment in ${opts.venvDir}.`,
          fix: noEnsurepip
            ? 'This Python lacks the venv module: on Debian/Ubuntu run `sudo apt install python3-venv`, then try again.'
            : 'Check that the data folder is writable and has free space, then try again; or point the app at an interpreter that has greenlet and gevent.',
          errorText: tail(text),
        });
      }
    }

    emit('install', 'Installing greenlet and gevent with pip', 40);
    const installArgs = opts.requirementsFile && existsSync(opts.requirementsFile)
      ? ['-r', opts.requirementsFile]
      : PACKAGE_NAMES.map((n) => `${n}>=${MIN_PACKAGES[n]}`);
    const pip = execa(venvPy, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...installArgs], {
      reject: false,
      all: true,
      timeout: PIP_TIMEOUT_MS,
      env: { PYTHONIOENCODING: 'utf-8', ...opts.env },
      stdin: 'ignore',
    });
    let percent = 40;
    pip.all?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        const m = /^(Collecting|Downloading|Installing collected packages|Successfully installed|Requirement already satisfied)\b.*/.exec(line.trim());
        if (m) emit('install', m[0].slice(0, 200), (percent = Math.min(85, percent + 5)));
      }
    });
    const r = await pip;
    if (r.failed) {
      const text = String(r.all ?? '') || (r.message ?? '');
      return fail({
        ok: false,
        interpreter: venvPy,
        source: 'venv',
        pythonVersion: base.pythonVersion,
        problem: isNetworkFailure(text)
          ? 'pip could not download greenlet and gevent: the package index (PyPI) is not reachable.'
          : r.timedOut
            ? `pip did not finish within ${PIP_TIMEOUT_MS / 60_000} minutes.`
            : 'pip could not install greenlet and gevent.',
        fix: isNetworkFailure(text)
          ? 'Connect to the internet (behind a proxy, set HTTPS_PROXY; with a local mirror, set PIP_INDEX_URL) and run setup again — or install greenlet and gevent into an interpreter yourself and point the app at it.'
          : `Read the pip output below; fix the cause and run setup again, or install them yourself: "${venvPy}" -m pip install ${pipSpec()}`,
        errorText: tail(text),
      });
    }

    emit('verify', 'Checking that greenlet and gevent import', 90);
    const verified = await checkPythonEnv({ pythonPath: venvPy, venvDir: opts.venvDir, env: opts.env });
    const report: PythonEnvReport = { ...verified, source: 'venv' };
    if (!report.ok) return fail(report);
    emit('done', `Ready: Python ${report.pythonVersion}, greenlet ${report.greenletVersion}, gevent ${report.geventVersion}`, 100);
    return report;
  } catch (err) {
    return fail({ ok: false, problem: 'Setting up the Python environment failed unexpectedly.', fix: 'See the error text; try again.', errorText: errorText(err) });
  }
}

/** The interpreter to build the venv from: a usable Python 3.9+ (packages not needed). */
async function findBasePython(opts: SetupPythonOptions): Promise<PythonEnvReport> {
  const candidates = findPythonCandidates(opts.basePython).filter((c) => c.source !== 'venv');
  const tried: PythonEnvReport[] = [];
  for (const c of opts.basePython ? candidates.slice(0, 1) : candidates) {
    const r = await evaluate(c, { env: opts.env, venvDir: opts.venvDir });
    if (r.pythonVersion && !r.problem?.includes('too old')) return { ...r, ok: true, problem: undefined, fix: undefined, errorText: undefined };
    tried.push(r);
  }
  const detail = tried.map((r) => `${r.interpreter}: ${r.problem}`).join('\n');
  return {
    ok: false,
    problem: opts.basePython ? tried[0]?.problem ?? `No Python at ${opts.basePython}.` : 'No Python 3.9+ interpreter was found on this computer.',
    fix: `${installPythonHint()}, then run setup again — or point the app at an existing interpreter that has greenlet and gevent.`,
    errorText: detail || undefined,
  };
}

function isNetworkFailure(text: string): boolean {
  return /NewConnectionError|Failed to establish a new connection|Connection refused|Max retries exceeded|Temporary failure in name resolution|Name or service not known|ProxyError|No matching distribution found|Could not find a version that satisfies/i.test(text);
}

const tail = (text: string, max = 4_000) => (text.length > max ? `…${text.slice(-max)}` : text).trim();
const errorText = (err: unknown) => (err instanceof Error ? err.stack ?? err.message : String(err));
