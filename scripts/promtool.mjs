// Prometheus's `promtool`, which main/headless/metrics-promtool.test.ts runs
// on the real /metrics output. `npm test` fetches it on Debian/Ubuntu by
// unpacking only that binary from the distribution's `prometheus` package into
// .tmp/tools (19 MB download, no install: installing the package would also
// start a Prometheus server on :9090 where systemd runs). Elsewhere the test
// skips with a printed reason unless promtool is on PATH or in $PROMTOOL_PATH.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROMTOOL_CACHE = join(root, '.tmp', 'tools', 'promtool');

const isFile = (p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** `$PROMTOOL_PATH`, then the copy `npm test` unpacked, then PATH; null if none. */
export function findPromtool({ env = process.env, cached = PROMTOOL_CACHE } = {}) {
  if (env.PROMTOOL_PATH) return isFile(env.PROMTOOL_PATH) ? env.PROMTOOL_PATH : null;
  if (isFile(cached)) return cached;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) if (isFile(join(dir, 'promtool'))) return join(dir, 'promtool');
  return null;
}

const hasApt = () => {
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Best effort: never fails `npm test`; the metrics test says why it skipped. */
export function ensurePromtool({ log = (l) => console.log(`[setup] ${l}`) } = {}) {
  const have = findPromtool();
  if (have) return have;
  if (process.platform !== 'linux' || !hasApt()) {
    log('promtool not found and no apt here: the promtool metrics check will be skipped (install Prometheus or set PROMTOOL_PATH)');
    return null;
  }
  log("promtool not found: unpacking it from Debian's prometheus package into .tmp/tools (apt-get download, not installed)");
  const work = mkdtempSync(join(root, '.tmp', 'promtool-'));
  const quiet = { cwd: work, stdio: ['ignore', 'ignore', 'ignore'] };
  try {
    try {
      execFileSync('apt-get', ['download', 'prometheus'], quiet);
    } catch (err) {
      if (process.getuid?.() !== 0) throw err;
      execFileSync('apt-get', ['update', '-qq'], quiet); // a fresh image has no package lists yet
      execFileSync('apt-get', ['download', 'prometheus'], quiet);
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download left no .deb');
    execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "${deb}" | tar -x ./usr/bin/promtool`], quiet);
    mkdirSync(dirname(PROMTOOL_CACHE), { recursive: true });
    renameSync(join(work, 'usr', 'bin', 'promtool'), PROMTOOL_CACHE);
    return PROMTOOL_CACHE;
  } catch (err) {
    log(`could not fetch promtool (${err.message.split('\n')[0]}): the promtool metrics check will be skipped`);
    return null;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
