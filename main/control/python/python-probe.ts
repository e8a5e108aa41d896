// Finding and interrogating Python interpreters, in plain Node (no electron), for the
// first-run setup and the "Check Python environment" action (python-env.ts). Every probe
// runs the real interpreter and keeps its real output, so the UI can show it verbatim.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { pythonSearchOrder, venvPythonPath, type PythonSource } from '../../pool/index';

export interface PythonCandidate {
  /** What is spawned: an absolute path, or a command looked up on PATH ('py' on Windows). */
  command: string;
  /** Arguments placed before ours (the Windows launcher needs '-3'). */
  args: string[];
  source: PythonSource;
}

export const MIN_PYTHON: readonly [number, number] = [3, 9];
/** Lowest versions the runtime supports (python/pyproject.toml). */
export const MIN_PACKAGES: Readonly<Record<'greenlet' | 'gevent', string>> = { greenlet: '3.0', gevent: '23.9' };

export interface ProbeResult {
  ran: boolean; // the interpreter started and printed the probe's JSON
  executable?: string; // sys.executable
  pythonVersion?: string;
  versionInfo?: [number, number, number];
  packages: Record<'greenlet' | 'gevent', { version?: string; error?: string }>;
  spawnCode?: string; // ENOENT, EACCES, ... when it could not start
  errorText?: string; // real output when it did not run cleanly
}

export interface PlatformInfo {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}

const here = (): PlatformInfo => ({ platform: process.platform, env: process.env });

export { venvPythonPath };

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `which` without a dependency: the first PATH entry holding the name (with PATHEXT on Windows). */
export function whichSync(name: string, { platform, env }: PlatformInfo = here()): string | undefined {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  const pathVar = env.PATH ?? env.Path ?? '';
  const sep = platform === 'win32' ? ';' : delimiter;
  for (const dir of pathVar.split(sep).filter(Boolean)) {
    for (const ext of exts) {
      const full = join(dir, name + ext);
      if (isFile(full)) return full;
    }
  }
  return undefined;
}

function windowsInstalls(env: NodeJS.ProcessEnv): string[] {
  const roots = [env.LOCALAPPDATA && join(env.LOCALAPPDATA, 'Programs', 'Python'), env.ProgramFiles].filter(
    (r): r is string => !!r && existsSync(r),
  );
  const found: string[] = [];
  for (const root of roots) {
    let names: string[];
    try {
      names = readdirSync(root).filter((n) => /^Python3\d+/i.test(n));
    } catch {
      continue;
    }
    // Python313 before Python39: newest first.
    names.sort((a, b) => Number(b.slice(7).replace(/\D.*/, '')) - Number(a.slice(7).replace(/\D.*/, '')));
    for (const n of names) found.push(join(root, n, 'python.exe'));
  }
  return found.filter(isFile);
}

/**
 * Interpreters to try, in the engine's search order (pythonSearchOrder): the configured path,
 * env GREENLET_PYTHON, the app-data venv, the runtime's development venv, then the system
 * command, widened here to the usual system places. Explicit choices (configured, env) are
 * listed even when the file does not exist, so a wrong path is reported with its own name
 * instead of silently falling through; venvs and system places only when they exist.
 */
export function findPythonCandidates(configured?: string, venvDir?: string, info: PlatformInfo = here(), runtimeDir?: string): PythonCandidate[] {
  const { platform, env } = info;
  const list: PythonCandidate[] = [];
  const add = (command: string | undefined, source: PythonSource, args: string[] = []) => {
    if (!command || !command.trim()) return;
    if (!list.some((c) => c.command === command && c.args.join(' ') === args.join(' '))) list.push({ command, args, source });
  };
  const appVenvPython = venvDir && venvPythonPath(venvDir, platform);
  for (const step of pythonSearchOrder({ pythonPath: configured, appVenvPython, runtimeDir, env, platform })) {
    if (step.source === 'system') addSystemPythons(step.path, info, add);
    else if (step.explicit || isFile(step.path)) add(step.path, step.source);
  }
  return list;
}

/** The search order's system command first (what a worker would run), then the platform's other usual places. */
function addSystemPythons(command: string, info: PlatformInfo, add: (command: string | undefined, source: PythonSource, args?: string[]) => void): void {
  add(whichSync(command, info), 'system');
  if (info.platform === 'win32') {
    const py = whichSync('py', info);
    if (py) add(py, 'system', ['-3']);
    add(whichSync('python3', info), 'system');
    for (const p of windowsInstalls(info.env)) add(p, 'system');
  } else {
    add(whichSync('python', info), 'system');
    for (const p of ['/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3']) if (isFile(p)) add(p, 'system');
  }
}

// Runs on any Python (2 or 3) so an old interpreter is reported as old, not as garbage output.
const PROBE = [
  'import sys, json, platform',
  'out = {"executable": sys.executable, "version": platform.python_version(), "info": list(sys.version_info[:3]), "packages": {}}',
  'for name in ("greenlet", "gevent"):',
  '    try:',
  '        mod = __import__(name)',
  '        out["packages"][name] = {"version": str(getattr(mod, "__version__", "unknown"))}',
  '    except Exception as exc:',
  '        out["packages"][name] = {"error": "%s: %s" % (type(exc).__name__, exc)}',
  'sys.stdout.write("GCC-PROBE " + json.dumps(out) + "\\n")',
].join('\n');

const PROBE_TIMEOUT_MS = 30_000; // importing gevent the first time compiles .pyc files

export async function probePython(candidate: Pick<PythonCandidate, 'command' | 'args'>, env?: Record<string, string>): Promise<ProbeResult> {
  const packages: ProbeResult['packages'] = { greenlet: {}, gevent: {} };
  const r = await execa(candidate.command, [...candidate.args, '-c', PROBE], {
    reject: false,
    timeout: PROBE_TIMEOUT_MS,
    env: { PYTHONIOENCODING: 'utf-8', ...env },
    stdin: 'ignore',
  });
  const line = String(r.stdout ?? '')
    .split(/\r?\n/)
    .find((l) => l.startsWith('GCC-PROBE '));
  if (!line) {
    const output = [r.stderr, r.stdout].map((s) => String(s ?? '').trim()).filter(Boolean).join('\n');
    return { ran: false, packages, spawnCode: r.code, errorText: output || r.originalMessage || r.shortMessage || r.message };
  }
  const parsed = JSON.parse(line.slice('GCC-PROBE '.length)) as {
    executable: string;
    version: string;
    info: [number, number, number];
    packages: ProbeResult['packages'];
  };
  return { ran: true, executable: parsed.executable, pythonVersion: parsed.version, versionInfo: parsed.info, packages: parsed.packages };
}

/** -1, 0, 1 comparing dotted versions numerically ('23.9' < '26.9.0'); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function isSupportedPython(info: readonly number[] | undefined): boolean {
  if (!info) return false;
  const [major = 0, minor = 0] = info;
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

/** How the operator installs Python on this platform, in one sentence. */
export function installPythonHint(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'win32':
      return 'Install Python 3.9 or newer from https://www.python.org/downloads/ (tick "Add python.exe to PATH") or run `winget install Python.Python.3.12`';
    case 'darwin':
      return 'Install Python 3.9 or newer with `brew install python@3.12` or from https://www.python.org/downloads/';
    default:
      return 'Install Python 3.9 or newer with your package manager, e.g. `sudo apt install python3 python3-venv` or `sudo dnf install python3`';
  }
}

export function displayCommand(c: Pick<PythonCandidate, 'command' | 'args'>): string {
  return [c.command, ...c.args].join(' ');
}
