#!/usr/bin/env node
// `npm run dist`: the installers for this platform (Linux AppImage + deb, macOS dmg, Windows
// nsis; see electron-builder.yml). Steps: install npm dependencies when missing (Python is not
// needed to package), `electron-vite build`, then electron-builder. The Electron binary comes from node_modules/electron/dist (or --electron-dist)
// so packaging never downloads Electron a second time; without it we stop with one clear line.
//
//   npm run dist                                  installers for the current platform
//   npm run dist -- --dir                         unpacked app only (release/<platform>-unpacked)
//   npm run dist -- --electron-dist <dir>         use this unpacked Electron instead
//   npm run dist -- --output <dir>                write to <dir> instead of release/
//   npm run dist -- --skip-env --skip-build       package what out/ already holds
//   npm run dist -- -- <electron-builder args>    anything after a second `--` is passed on
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const log = (msg) => console.log(`[dist] ${msg}`);

export function parseArgs(argv) {
  const opts = { dir: false, skipEnv: false, skipBuild: false, electronDist: undefined, output: undefined, passthrough: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      opts.passthrough = argv.slice(i + 1);
      break;
    } else if (a === '--dir') opts.dir = true;
    else if (a === '--skip-env') opts.skipEnv = true;
    else if (a === '--skip-build') opts.skipBuild = true;
    else if (a === '--electron-dist' || a === '--output') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new Error(`${a} needs a folder argument`);
      opts[a === '--output' ? 'output' : 'electronDist'] = resolve(value);
    } else if (a.startsWith('--electron-dist=')) opts.electronDist = resolve(a.slice('--electron-dist='.length));
    else if (a.startsWith('--output=')) opts.output = resolve(a.slice('--output='.length));
    else throw new Error(`unknown option ${a} (see the header of scripts/dist.mjs)`);
  }
  return opts;
}

/** The unpacked Electron to package with, or a one-line explanation of why there is none. */
export function findElectronDist(explicit) {
  if (explicit) {
    return existsSync(explicit) ? { dir: explicit } : { error: `--electron-dist ${explicit} does not exist.` };
  }
  const dist = join(root, 'node_modules', 'electron', 'dist');
  if (existsSync(dist) && readdirSync(dist).length > 0) return { dir: dist };
  return {
    error:
      'The Electron binary is missing (node_modules/electron/dist does not exist: npm installed electron with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without network). ' +
      'Fix: on a machine with network access run `npm install` without ELECTRON_SKIP_BINARY_DOWNLOAD (or `node node_modules/electron/install.js`), ' +
      'or pass --electron-dist <folder holding an unpacked Electron for this platform>.',
  };
}

const PLATFORM_FLAG = { linux: '--linux', darwin: '--mac', win32: '--win' };

function run(cmd, args, env = {}) {
  log(`${relative(root, cmd) || cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (r.status !== 0) {
    log(`failed: ${cmd} exited with ${r.status ?? r.signal}`);
    process.exit(r.status || 1);
  }
}

function listArtifacts(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    log(`  ${relative(root, full)}${st.isDirectory() ? '/' : ` (${(st.size / 1e6).toFixed(1)} MB)`}`);
  }
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`[dist] ${err.message}`);
    process.exit(2);
  }
  const platformFlag = PLATFORM_FLAG[process.platform];
  if (!platformFlag) {
    console.error(`[dist] electron-builder cannot build installers on ${process.platform}.`);
    process.exit(2);
  }
  // A fresh clone: a plain `npm install` also fetches the Electron binary (when the network
  // allows and ELECTRON_SKIP_BINARY_DOWNLOAD is not set).
  if (!opts.skipEnv && !existsSync(bin('electron-builder'))) run('npm', ['install', '--no-audit', '--no-fund']);
  // Before the slow build: a missing binary is the most likely failure on offline machines.
  const electron = findElectronDist(opts.electronDist);
  if (electron.error) {
    console.error(`[dist] ${electron.error}`);
    process.exit(1);
  }
  if (!opts.skipBuild) run(bin('electron-vite'), ['build']);
  const args = [platformFlag, '--publish', 'never', `-c.electronDist=${electron.dir}`];
  if (opts.dir) args.push('--dir');
  if (opts.output) args.push(`-c.directories.output=${opts.output}`);
  run(bin('electron-builder'), [...args, ...opts.passthrough]);
  log(`done; ${opts.dir ? 'unpacked app' : 'installers'} in ${relative(root, opts.output ?? join(root, 'release')) || '.'}:`);
  listArtifacts(opts.output ?? join(root, 'release'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
