#!/usr/bin/env node
// Builds with electron-vite when out/ is missing or older than its sources,
// so `npm run serve` and `npm start` work on a fresh clone and stay fast after.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUTS = ['out/main/index.js', 'out/main/serve.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['common', 'main', 'preload', 'renderer', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];
const isSource = (name) => !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    if (e.isFile() && !isSource(e.name)) continue;
    newest = Math.max(newest, newestMtime(join(path, e.name)));
  }
  return newest;
}

/** Why a build is needed, or null when out/ is up to date. */
export function staleReason() {
  const missing = OUTPUTS.find((f) => !existsSync(join(root, f)));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const changed = SOURCES.find((s) => newestMtime(join(root, s)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

export function buildIfStale({ quiet = false } = {}) {
  const reason = staleReason();
  if (!reason) return;
  if (!quiet) console.log(`[build] ${reason} — running electron-vite build`);
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const r = spawnSync(bin, ['build'], { cwd: root, stdio: quiet ? 'pipe' : 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(r.stderr ?? '');
    throw new Error(`electron-vite build failed (exit ${r.status})`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildIfStale();
