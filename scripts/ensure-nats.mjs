#!/usr/bin/env node
// Finds a nats-server ≥ 2.10 (PATH, ~/go/bin, or the project's .tmp/bin) or
// installs v2.15.2 with `go install` into .tmp/bin — through the Go module
// proxy, nothing downloaded from elsewhere. Prints one line. With --print,
// prints only the binary's path (tests read it). Exit 0 even when neither is
// possible: the cluster tests then skip and say why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = 'v2.15.2';
const localBin = join(root, '.tmp', 'bin');

function version(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(r.stdout ?? '');
  return r.status === 0 && m ? [Number(m[1]), Number(m[2])] : null;
}

export function findNatsServer() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), 'go', 'bin'), '/root/go/bin', localBin];
  for (const d of dirs) {
    const bin = join(d, 'nats-server');
    if (!d || !existsSync(bin)) continue;
    const v = version(bin);
    if (v && (v[0] > 2 || (v[0] === 2 && v[1] >= 10))) return bin;
  }
  return null;
}

export function ensureNatsServer({ quiet = false } = {}) {
  const found = findNatsServer();
  const say = (s) => quiet || console.log(s);
  if (found) return (say(`[nats] using ${found}`), found);
  if (spawnSync('go', ['version']).status !== 0) return (say('[nats] nats-server not found and Go is not installed: cluster tests will skip'), null);
  mkdirSync(localBin, { recursive: true });
  const r = spawnSync('go', ['install', `github.com/nats-io/nats-server/v2@${VERSION}`], {
    env: { ...process.env, GOBIN: localBin },
    stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'],
  });
  const bin = join(localBin, 'nats-server');
  if (r.status !== 0 || !existsSync(bin)) return (say('[nats] go install of nats-server failed: cluster tests will skip'), null);
  say(`[nats] installed nats-server ${VERSION} to ${bin}`);
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const print = process.argv.includes('--print');
  const bin = ensureNatsServer({ quiet: print });
  if (print) console.log(bin ?? '');
}
