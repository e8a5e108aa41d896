#!/usr/bin/env node
// `npm run serve -- --port 7420 --token-file <file> --data-dir <dir>`: headless mode
// on a fresh clone. Sets up npm deps and the Python venv, builds when out/ is stale,
// then runs the plain-Node server (out/main/serve.js) with the given arguments.
// The token reaches the server through its own file or the GREENLET_CC_TOKEN
// environment variable (inherited), never through a command line.
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

/** Exits 2 when a token was put on the command line: it must not be passed on to a child's argv. */
export function refuseTokenOnArgv(args, tag = '[serve]') {
  if (!args.some((a) => a === '--token' || a.startsWith('--token='))) return;
  console.error(
    `${tag} --token on the command line is readable by every local user (ps, /proc/<pid>/cmdline) and is refused. ` +
      'Put the token in a file only you can read (chmod 600) and pass --token-file <path>, or set GREENLET_CC_TOKEN.',
  );
  process.exit(2);
}

// Copies of one signal arriving this close together are one signal: Ctrl-C reaches every
// process in the terminal's process group (npm, this wrapper, the child), and npm may forward it too.
export const REPEAT_WINDOW_MS = 1_000;

/**
 * Passes SIGINT/SIGTERM on to the child once per signal, so a signal sent to this wrapper
 * alone (kill <pid>) still drains the child. Copies within REPEAT_WINDOW_MS are dropped;
 * the child drops the copy it got from the group itself, so one Ctrl-C is one drain and
 * only a separate, later signal makes it exit at once. The wrapper exits with the child.
 */
export function forwardSignals(child) {
  let last = -Infinity;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      const now = Date.now();
      if (now - last < REPEAT_WINDOW_MS) return;
      last = now;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * Runs the headless server in the foreground; signals go to it so it can drain.
 * `entry`/`nodeArgs` let a test run the server from source (tsx) through this same wrapper.
 */
export function runServe(args, { entry = join(root, 'out', 'main', 'serve.js'), nodeArgs = [] } = {}) {
  refuseTokenOnArgv(args);
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], { cwd: root, stdio: 'inherit' });
  forwardSignals(child);
  return child;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  refuseTokenOnArgv(process.argv.slice(2)); // before the setup and build: fail fast
  await ensureEnvAndBuild();
  runServe(process.argv.slice(2));
}
