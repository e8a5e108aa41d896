#!/usr/bin/env node
// `npm start`: the Electron app when its runtime and a display exist;
// otherwise one line saying why, then headless mode (which prints the URL).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEnvAndBuild, forwardSignals, refuseTokenOnArgv, runServe } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Why Electron cannot run here, or null when it can; `electronPath` is set when it can. */
export function electronUnavailable(env = process.env, platform = process.platform) {
  let electronPath;
  try {
    // node_modules/electron exports the binary's path; it throws when the download was skipped.
    electronPath = createRequire(join(root, 'package.json'))('electron');
  } catch {
    return { reason: 'Electron binary not installed (node_modules/electron/dist missing)' };
  }
  if (typeof electronPath !== 'string' || !existsSync(electronPath)) {
    return { reason: `Electron binary not installed (${electronPath} does not exist)` };
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)', electronPath };
  }
  return { reason: null, electronPath };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  refuseTokenOnArgv(args, '[start]'); // never passed on to a child's command line
  await ensureEnvAndBuild();
  const { reason, electronPath } = electronUnavailable();
  if (reason) {
    console.log(`[start] ${reason} — starting headless mode`);
    runServe(args);
  } else {
    forwardSignals(spawn(electronPath, [root, ...args], { cwd: root, stdio: 'inherit' }));
  }
}
