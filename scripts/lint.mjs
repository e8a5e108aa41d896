#!/usr/bin/env node
// `npm run lint`: ESLint (typescript-eslint + react-hooks) and prettier's check on the TypeScript
// tree, ruff and mypy on python/. `npm test` runs the same list in its typecheck step and counts each
// as one check. `npm run format` rewrites what prettier's check refuses.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venvBin = (name) =>
  process.platform === 'win32' ? join(root, 'python', '.venv', 'Scripts', `${name}.exe`) : join(root, 'python', '.venv', 'bin', name);

export const LINTERS = [
  { name: 'eslint', cmd: join(root, 'node_modules', '.bin', 'eslint'), args: ['--max-warnings', '0', '.'], cwd: root },
  {
    name: 'prettier',
    cmd: join(root, 'node_modules', '.bin', 'prettier'),
    args: ['--check', '--log-level', 'warn', '**/*.{ts,tsx,js,mjs}'],
    cwd: root,
  },
  { name: 'ruff', cmd: venvBin('ruff'), args: ['check', 'greenlet_a2a', 'tests', 'examples'], cwd: join(root, 'python') },
  // files and strictness come from python/pyproject.toml [tool.mypy]
  { name: 'mypy', cmd: venvBin('mypy'), args: [], cwd: join(root, 'python') },
];

/** Runs one linter with inherited output; returns its exit status (1 when it could not start). */
export function runLinter(l) {
  const r = spawnSync(l.cmd, l.args, { cwd: l.cwd, stdio: 'inherit' });
  if (r.error) console.log(`[lint] ${l.name} could not start: ${r.error.message}`);
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const failed = LINTERS.filter((l) => runLinter(l) !== 0).map((l) => l.name);
  console.log(failed.length ? `[lint] failing: ${failed.join(', ')}` : `[lint] ${LINTERS.map((l) => l.name).join(', ')}: clean`);
  process.exit(failed.length ? 1 : 0);
}
