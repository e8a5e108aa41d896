#!/usr/bin/env node
// Makes a fresh clone runnable: npm dependencies and the project-local Python
// venv (python/.venv with greenlet, gevent, pytest). Cheap when nothing changed:
// each step compares a stamp with the inputs it was made from.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (msg) => quiet || console.log(`[setup] ${msg}`);
const hashOf = (...files) => {
  const h = createHash('sha256');
  for (const f of files) h.update(existsSync(f) ? readFileSync(f) : '');
  return h.digest('hex').slice(0, 16);
};
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', ...opts });

function ensureNpm() {
  const stampFile = join(root, 'node_modules', '.gcc-stamp');
  const want = hashOf(join(root, 'package.json'), join(root, 'package-lock.json'));
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) return;
  log('installing npm dependencies');
  // electron's postinstall downloads its binary from GitHub, which these machines cannot reach.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  const ci = process.env.CI && existsSync(join(root, 'package-lock.json'));
  run('npm', [ci ? 'ci' : 'install', '--no-audit', '--no-fund'], { env });
  writeFileSync(stampFile, want);
}

function findBasePython() {
  for (const cand of [process.env.GREENLET_BASE_PYTHON, 'python3', 'python'].filter(Boolean)) {
    try {
      const v = execFileSync(cand, ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' });
      if (v.trim() === '3') return cand;
    } catch {
      /* try the next candidate */
    }
  }
  throw new Error('No Python 3 interpreter found (tried python3, python). Install Python 3.9+ or set GREENLET_BASE_PYTHON.');
}

export function venvPython() {
  return process.platform === 'win32' ? join(root, 'python', '.venv', 'Scripts', 'python.exe') : join(root, 'python', '.venv', 'bin', 'python');
}

function ensureVenv() {
  const py = venvPython();
  const stampFile = join(root, 'python', '.venv', '.gcc-stamp');
  const reqs = [join(root, 'python', 'requirements.txt'), join(root, 'python', 'requirements-dev.txt')];
  const want = hashOf(...reqs);
  if (existsSync(py) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === want) return;
  if (!existsSync(py)) {
    log('creating python/.venv');
    run(findBasePython(), ['-m', 'venv', join(root, 'python', '.venv')]);
  }
  log('installing greenlet, gevent, pytest, ruff and mypy into python/.venv');
  run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', reqs[1]], { cwd: join(root, 'python') });
  writeFileSync(stampFile, want);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureNpm();
  ensureVenv();
}
