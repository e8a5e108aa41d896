// First-run environment logic against REAL interpreters: the project venv, a fresh venv made in
// a temp folder without greenlet, an old pyenv Python, a path that does not exist, and real
// `python -m venv` + `pip install` runs (one against PyPI, one against an unreachable index).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PythonSetupProgress } from '../../../common/contract';
import { checkPythonEnv, findPythonCandidates, setupPythonEnv, venvPythonPath } from './python-env';

const root = resolve(__dirname, '..', '..', '..');
const projectPython = venvPythonPath(join(root, 'python', '.venv'));
const requirements = join(root, 'python', 'requirements.txt');
const oldPython = join(homedir(), '.pyenv', 'versions', '3.8.18', 'bin', 'python3');
const tmp = mkdtempSync(join(tmpdir(), 'gcc-pyenv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('findPythonCandidates', () => {
  it('orders configured path, GREENLET_PYTHON, app-data venv, then system Pythons found on PATH', () => {
    const bin = join(tmp, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'python3'), '');
    const venv = join(tmp, 'cand-venv');
    mkdirSync(join(venv, 'bin'), { recursive: true });
    writeFileSync(venvPythonPath(venv, 'linux'), '');
    const list = findPythonCandidates('/opt/mine/python', venv, { platform: 'linux', env: { GREENLET_PYTHON: '/env/python', PATH: bin } });
    expect(list.slice(0, 4)).toEqual([
      { command: '/opt/mine/python', args: [], source: 'config' },
      { command: '/env/python', args: [], source: 'env' },
      { command: venvPythonPath(venv, 'linux'), args: [], source: 'venv' },
      { command: join(bin, 'python3'), args: [], source: 'system' },
    ]);
  });

  it("puts the runtime's development venv after the app-data venv and before system Pythons", () => {
    const runtime = join(tmp, 'runtime');
    mkdirSync(join(runtime, '.venv', 'bin'), { recursive: true });
    writeFileSync(venvPythonPath(join(runtime, '.venv'), 'linux'), '');
    const bin = join(tmp, 'fake-bin');
    const list = findPythonCandidates(undefined, undefined, { platform: 'linux', env: { PATH: bin } }, runtime);
    expect(list[0]).toEqual({ command: venvPythonPath(join(runtime, '.venv'), 'linux'), args: [], source: 'venv' });
    expect(list[1]?.source).toBe('system');
  });

  it('on Windows tries python, then the py -3 launcher, then per-user installs newest first', () => {
    const bin = join(tmp, 'win-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'python.EXE'), '');
    writeFileSync(join(bin, 'py.EXE'), '');
    const local = join(tmp, 'LocalAppData');
    for (const v of ['Python39', 'Python312']) {
      mkdirSync(join(local, 'Programs', 'Python', v), { recursive: true });
      writeFileSync(join(local, 'Programs', 'Python', v, 'python.exe'), '');
    }
    const list = findPythonCandidates(undefined, undefined, { platform: 'win32', env: { PATH: bin, PATHEXT: '.EXE', LOCALAPPDATA: local } });
    expect(list).toEqual([
      { command: join(bin, 'python.EXE'), args: [], source: 'system' },
      { command: join(bin, 'py.EXE'), args: ['-3'], source: 'system' },
      { command: join(local, 'Programs', 'Python', 'Python312', 'python.exe'), args: [], source: 'system' },
      { command: join(local, 'Programs', 'Python', 'Python39', 'python.exe'), args: [], source: 'system' },
    ]);
  });

  it('lists explicit choices even when missing, but system places only when they exist', () => {
    const list = findPythonCandidates('/does/not/exist/python', join(tmp, 'no-venv'), { platform: 'linux', env: { PATH: join(tmp, 'empty') } });
    expect(list[0]).toEqual({ command: '/does/not/exist/python', args: [], source: 'config' });
    expect(list.some((c) => c.source === 'venv')).toBe(false);
    expect(list.every((c) => c.source !== 'system' || existsSync(c.command))).toBe(true);
  });
});

describe('checkPythonEnv', () => {
  let bareVenv = '';
  beforeAll(() => {
    // --without-pip: a real venv with nothing in it, made in about a second.
    bareVenv = join(tmp, 'bare-venv');
    execFileSync(projectPython, ['-m', 'venv', '--without-pip', bareVenv]);
  });

  it('reports path and Python, greenlet and gevent versions for the project venv', async () => {
    const r = await checkPythonEnv({ pythonPath: projectPython });
    expect(r.ok).toBe(true);
    expect(r.source).toBe('config');
    expect(r.interpreter).toBe(projectPython);
    expect(r.pythonVersion).toMatch(/^3\.\d+\.\d+/);
    expect(r.greenletVersion).toBe('3.5.6');
    expect(r.geventVersion).toBe('26.9.0');
    expect(r.problem).toBeUndefined();
  });

  it('names greenlet and gevent as missing in a venv without them, with the fix and the real import error', async () => {
    const py = venvPythonPath(bareVenv);
    const r = await checkPythonEnv({ pythonPath: py, venvDir: join(tmp, 'data-venv') });
    expect(r.ok).toBe(false);
    expect(r.pythonVersion).toMatch(/^3\./);
    expect(r.greenletVersion).toBeUndefined();
    expect(r.problem).toContain('greenlet and gevent are not installed');
    expect(r.problem).toContain(py);
    expect(r.fix).toContain('Set up Python environment');
    expect(r.fix).toContain(`"${py}" -m pip install`);
    expect(r.errorText).toContain("No module named 'greenlet'");
    expect(r.errorText).toContain("No module named 'gevent'");
  });

  it('says there is no interpreter at a path that does not exist, and how to fix it', async () => {
    const missing = join(tmp, 'nowhere', 'python3');
    const r = await checkPythonEnv({ pythonPath: missing });
    expect(r.ok).toBe(false);
    expect(r.problem).toBe(`No Python interpreter at ${missing}: that file does not exist.`);
    expect(r.fix).toContain('Python 3.9');
    expect(r.errorText).toContain('ENOENT');
  });

  it('says a file that is not executable cannot be run', async () => {
    const file = join(tmp, 'not-python');
    writeFileSync(file, 'hello');
    chmodSync(file, 0o644);
    const r = await checkPythonEnv({ pythonPath: file });
    expect(r.ok).toBe(false);
    expect(r.problem).toContain('permission denied');
  });

  it.skipIf(!existsSync(oldPython))('reports Python older than 3.9 as too old (real pyenv 3.8)', async () => {
    const r = await checkPythonEnv({ pythonPath: oldPython });
    expect(r.ok).toBe(false);
    expect(r.pythonVersion).toBe('3.8.18');
    expect(r.problem).toContain('too old');
    expect(r.problem).toContain('3.9 or newer');
  });

  it('without any setting, reports the interpreter the workers use: the runtime venv in development', async () => {
    const saved = process.env.GREENLET_PYTHON;
    delete process.env.GREENLET_PYTHON;
    try {
      const r = await checkPythonEnv({ venvDir: join(tmp, 'no-app-venv-yet'), runtimeDir: join(root, 'python') });
      expect(r.ok).toBe(true);
      expect(r.source).toBe('venv');
      expect(r.interpreter).toBe(projectPython);
    } finally {
      if (saved !== undefined) process.env.GREENLET_PYTHON = saved;
    }
  });

  it('uses GREENLET_PYTHON when no path is configured', async () => {
    const saved = process.env.GREENLET_PYTHON;
    process.env.GREENLET_PYTHON = projectPython;
    try {
      const r = await checkPythonEnv({});
      expect(r.ok).toBe(true);
      expect(r.source).toBe('env');
      expect(r.interpreter).toBe(projectPython);
    } finally {
      if (saved === undefined) delete process.env.GREENLET_PYTHON;
      else process.env.GREENLET_PYTHON = saved;
    }
  });
});

describe('setupPythonEnv', () => {
  const progressOf = () => {
    const steps: PythonSetupProgress[] = [];
    return { steps, onProgress: (p: PythonSetupProgress) => steps.push(p) };
  };

  it('reports the real pip error when the package index is unreachable', { timeout: 180_000 }, async () => {
    const venvDir = join(tmp, 'offline-venv');
    const { steps, onProgress } = progressOf();
    const pending = setupPythonEnv({
      venvDir,
      basePython: projectPython,
      requirementsFile: requirements,
      onProgress,
      // Port 9 (discard) on loopback refuses at once: a real, fast network failure. The empty
      // find-links folder replaces this machine's local wheel folder so nothing resolves offline.
      env: { PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_FIND_LINKS: join(tmp, 'no-wheels'), PIP_NO_CACHE_DIR: '1' },
    });
    // A second click while it runs joins the same setup rather than racing pip in one venv.
    const joined = setupPythonEnv({ venvDir, basePython: projectPython });
    const r = await pending;
    expect(await joined).toBe(r);
    expect(r.ok).toBe(false);
    expect(existsSync(venvPythonPath(venvDir))).toBe(true); // the venv itself was made
    expect(r.problem).toContain('not reachable');
    expect(r.fix).toContain('PIP_INDEX_URL');
    expect(r.errorText).toMatch(/127\.0\.0\.1|Connection refused|No matching distribution/);
    expect(steps.map((s) => s.step)).toEqual(expect.arrayContaining(['find-python', 'create-venv', 'install', 'failed']));
    expect(steps.at(-1)?.step).toBe('failed');
  });

  it('fails with an explanation when the base interpreter does not exist', async () => {
    const { steps, onProgress } = progressOf();
    const r = await setupPythonEnv({ venvDir: join(tmp, 'never'), basePython: join(tmp, 'nope', 'python3'), onProgress });
    expect(r.ok).toBe(false);
    expect(r.problem).toContain('does not exist');
    expect(r.fix).toContain('Python 3.9');
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    expect(steps.at(-1)?.step).toBe('failed');
  });

  it('creates a venv and installs greenlet and gevent from the package index', { timeout: 600_000 }, async () => {
    const venvDir = join(tmp, 'app-data', 'python-venv');
    const { steps, onProgress } = progressOf();
    mkdirSync(join(tmp, 'app-data'), { recursive: true });
    const r = await setupPythonEnv({ venvDir, requirementsFile: requirements, onProgress });
    expect(r.errorText ?? '').toBe('');
    expect(r.ok).toBe(true);
    expect(r.source).toBe('venv');
    expect(r.interpreter).toBe(venvPythonPath(venvDir));
    expect(r.greenletVersion).toBe('3.5.6');
    expect(r.geventVersion).toBe('26.9.0');
    expect(steps.map((s) => s.step)).toEqual(expect.arrayContaining(['find-python', 'create-venv', 'install', 'verify', 'done']));
    expect(steps.map((s) => s.percent)).toEqual([...steps.map((s) => s.percent)].sort((a, b) => a - b));
    // The same check the UI runs later now finds the app-data venv by itself.
    const again = await checkPythonEnv({ venvDir });
    expect(again.ok).toBe(true);
    expect(again.interpreter).toBe(venvPythonPath(venvDir));
  });
});
