#!/usr/bin/env node
// `npm run serve -- --port 7420 --token <t> --data-dir <dir>`: headless mode on a
// fresh clone. Sets up npm deps and the Python venv, builds when out/ is stale,
// then runs the plain-Node server (out/main/serve.js) with the given arguments.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureEnvAndBuild() {
  if (spawnSync(process.execPath, [join(root, 'scripts', 'ensure-env.mjs')], { cwd: root, stdio: 'inherit' }).status !== 0) {
    console.error('[serve] environment setup failed (see above)');
    process.exit(1);
  }
  // Imported after ensure-env so a fresh clone has node_modules before anything needs them.
  return import('./build-if-stale.mjs').then(({ buildIfStale }) => buildIfStale());
}

/** Runs the headless server in the foreground; signals go to it so it can drain. */
export function runServe(args) {
  const child = spawn(process.execPath, [join(root, 'out', 'main', 'serve.js'), ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureEnvAndBuild();
  runServe(process.argv.slice(2));
}
