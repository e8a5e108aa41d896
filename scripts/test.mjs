#!/usr/bin/env node
// `npm test`: sets up what is missing, then runs every suite — typecheck and lint
// (tsc, ESLint, ruff, mypy; each counted as one check), vitest (engine, control plane, transports, renderer), pytest (agent runtime)
// and Playwright (real Chromium against headless mode) — and ends with one
// summary line "N passed, N failed, N skipped" over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './browser.mjs';
import { LINTERS, runLinter } from './lint.mjs';
import { ensurePromtool } from './promtool.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const only = process.argv.slice(2); // e.g. `npm test -- vitest pytest`
const want = (suite) => only.length === 0 || only.includes(suite);

const sh = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
function record(suite, status, counts) {
  if (!counts) counts = { passed: 0, failed: status === 0 ? 0 : 1, skipped: 0 };
  for (const k of Object.keys(totals)) totals[k] += counts[k];
  if (status !== 0 && counts.failed === 0) {
    counts.failed = 1; // the runner crashed
    totals.failed += 1;
  }
  console.log(`[test] ${suite}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  if (status !== 0) failures.push(suite);
}

if (sh('node', ['scripts/ensure-env.mjs']) !== 0) process.exit(1);
const hasSpecs = existsSync(join(root, 'e2e')) && readdirSync(join(root, 'e2e')).some((f) => f.endsWith('.spec.ts'));
// Like npm packages and the venv, the test tools set themselves up: Chromium for
// the e2e suite (found or installed, one line saying which) and, best effort,
// promtool for the /metrics format check (skipped with a reason when absent).
let browserError = null;
if (want('e2e') && hasSpecs) {
  try {
    ensureChromium({ cwd: root });
  } catch (err) {
    browserError = err;
    console.log(`[setup] could not set up Chromium: ${err.message}`);
  }
}
if (want('vitest')) ensurePromtool();
// Cluster tests need nats-server: found, or installed with `go install` (one line); they skip without it.
if (want('vitest')) sh('node', ['scripts/ensure-nats.mjs']);
const bin = (name) => join(root, 'node_modules', '.bin', name);

if (want('typecheck')) {
  const status = sh(bin('tsc'), ['-b', '--pretty']);
  record('typecheck', status, { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, skipped: 0 });
}
if (want('typecheck') || want('lint')) {
  for (const l of LINTERS) {
    const status = runLinter(l);
    record(`lint (${l.name})`, status, { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, skipped: 0 });
  }
}

// One build before the suites that read out/: the vitest checks of the built preload bundle
// and the e2e server. A stale out/ from an older checkout would test yesterday's code.
const needsBuild = want('vitest') || (want('e2e') && hasSpecs && !browserError);
const buildStatus = needsBuild ? sh('npm', ['run', 'build', '--silent']) : 0;
if (buildStatus !== 0) record('build', buildStatus, null);

if (want('vitest')) {
  const out = join(tmp, 'vitest.json');
  const status = sh(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  const r = readJson(out);
  record('vitest', status, r && { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests });
}

if (want('pytest')) {
  const py = process.platform === 'win32' ? 'python/.venv/Scripts/python.exe' : 'python/.venv/bin/python';
  const xml = join(tmp, 'pytest.xml');
  const status = sh(join(root, py), ['-m', 'pytest', 'python/tests', '-q', `--junitxml=${xml}`]);
  const text = existsSync(xml) ? readFileSync(xml, 'utf8') : '';
  const attr = (name) => Number((text.match(new RegExp(`<testsuite[^>]* ${name}="(\\d+)"`)) ?? [])[1] ?? 0);
  const total = attr('tests'),
    failed = attr('failures') + attr('errors'),
    skipped = attr('skipped');
  record('pytest', status, text ? { passed: total - failed - skipped, failed, skipped } : null);
}

if (want('e2e') && hasSpecs && browserError) record('e2e (Chromium setup)', 1, null);
else if (want('e2e') && hasSpecs) {
  if (buildStatus !== 0) record('e2e (needs the build)', buildStatus, null);
  else {
    const out = join(tmp, 'playwright.json');
    const status = sh(bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
    const s = readJson(out)?.stats;
    record('e2e', status, s && { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped });
  }
}

if (failures.length) console.log(`[test] failing suites: ${failures.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
