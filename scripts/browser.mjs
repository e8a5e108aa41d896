// Which Chromium the e2e tests drive, and how `npm test` gets one on a fresh
// machine. Used by scripts/test.mjs (find or install, one line saying which)
// and by playwright.config.ts (executablePath). Pure lookups take their
// environment as arguments so scripts/browser.test.ts can point them at fake dirs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Env vars an operator (or CI image) may set to name the browser; the first set one wins. */
export const BROWSER_ENV_VARS = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE'];

// Where the executable sits inside a Playwright `chromium-<revision>` folder:
// Chrome for Testing layouts (Playwright ≥ 1.57) first, then the older Chromium ones.
const CACHE_LAYOUTS = {
  linux: [
    ['chrome-linux64', 'chrome'],
    ['chrome-linux-arm64', 'chrome'],
    ['chrome-linux', 'chrome'],
  ],
  darwin: [
    ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
  ],
  win32: [
    ['chrome-win64', 'chrome.exe'],
    ['chrome-win', 'chrome.exe'],
  ],
};

const SYSTEM_PATHS = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'],
  darwin: ['/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: [],
};
const PATH_NAMES = ['chromium', 'chromium-browser'];

const isFile = (p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Playwright's browser cache, as Playwright itself computes it. */
export function playwrightCacheDir(env = process.env, platform = process.platform, home = homedir()) {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== '0') return env.PLAYWRIGHT_BROWSERS_PATH;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'ms-playwright');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'ms-playwright');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'ms-playwright');
}

/** The newest `chromium-<revision>` in the cache that holds an executable. */
function fromPlaywrightCache(cacheDir, platform) {
  let names;
  try {
    names = readdirSync(cacheDir);
  } catch {
    return null;
  }
  const revisions = names
    .map((n) => /^chromium-(\d+)$/.exec(n))
    .filter(Boolean)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  for (const m of revisions) {
    for (const layout of CACHE_LAYOUTS[platform] ?? []) {
      const p = join(cacheDir, m[0], ...layout);
      if (isFile(p)) return p;
    }
  }
  return null;
}

function onPath(env, platform) {
  const exts = platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) for (const ext of exts) if (isFile(join(dir, name + ext))) return join(dir, name + ext);
  }
  return null;
}

/**
 * A Chromium that is already here: { path, source } or null. Order: an env var
 * naming it (an error if that file is missing — the operator asked for it),
 * Playwright's cache, the system package, `chromium` on PATH.
 * `systemPaths` is injectable so tests need not depend on what this machine has.
 */
export function findChromium({ env = process.env, platform = process.platform, home = homedir(), systemPaths = SYSTEM_PATHS[platform] ?? [] } = {}) {
  for (const name of BROWSER_ENV_VARS) {
    const p = env[name];
    if (!p) continue;
    if (!isFile(p)) throw new Error(`${name}=${p} does not name an existing file`);
    return { path: p, source: `$${name}` };
  }
  const cached = fromPlaywrightCache(playwrightCacheDir(env, platform, home), platform);
  if (cached) return { path: cached, source: "Playwright's cache" };
  for (const p of systemPaths) if (isFile(p)) return { path: p, source: 'system package' };
  const found = onPath(env, platform);
  return found ? { path: found, source: 'PATH' } : null;
}

/** `ID`/`ID_LIKE` of /etc/os-release, lower-cased words. */
export function osFamily(osRelease) {
  const words = [];
  for (const line of osRelease.split('\n')) {
    const m = /^(ID|ID_LIKE)=("?)([^"\n]*)\2\s*$/.exec(line);
    if (m) words.push(...m[3].toLowerCase().split(/\s+/));
  }
  return words;
}

/**
 * How to install Chromium here: a list of commands and the one line that says so.
 * Debian as root: its own `chromium` package. Ubuntu ships Chromium only as a
 * snap, which does not run in containers, so there Playwright's build is used
 * (with `--with-deps` as root, which apt-installs its libraries). Elsewhere:
 * Playwright's download into its per-user cache.
 */
export function installPlan({ platform = process.platform, isRoot = process.getuid?.() === 0, osRelease = '', aptListsEmpty = false } = {}) {
  const family = platform === 'linux' ? osFamily(osRelease) : [];
  if (isRoot && family.includes('debian') && !family.includes('ubuntu')) {
    const install = ['apt-get', ['install', '-y', '-qq', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' }];
    return {
      line: `no Chromium found: installing Debian's chromium package (${aptListsEmpty ? 'apt-get update, then ' : ''}apt-get install -y chromium)`,
      steps: aptListsEmpty ? [['apt-get', ['update', '-qq'], {}], install] : [install],
    };
  }
  const args = ['playwright', 'install', ...(isRoot && family.includes('ubuntu') ? ['--with-deps'] : []), 'chromium'];
  return { line: `no Chromium found: downloading Playwright's build (npx ${args.join(' ')})`, steps: [['npx', args, {}]] };
}

function aptListsEmpty() {
  try {
    return !readdirSync('/var/lib/apt/lists').some((f) => f.endsWith('_Packages'));
  } catch {
    return true;
  }
}

/** Find Chromium, or install it the platform's way; prints one line either way. Returns its path. */
export function ensureChromium({ cwd = process.cwd(), log = (l) => console.log(`[setup] ${l}`) } = {}) {
  const have = findChromium();
  if (have) {
    log(`Chromium for e2e: ${have.path} (${have.source})`);
    return have.path;
  }
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const plan = installPlan({ osRelease, aptListsEmpty: process.platform === 'linux' && aptListsEmpty() });
  log(plan.line);
  for (const [cmd, args, env] of plan.steps) {
    const r = spawnSync(cmd, args, {
      cwd,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...env },
      shell: process.platform === 'win32',
    });
    // A stale package list is the usual reason apt cannot find chromium: refresh once and retry.
    if (r.status !== 0 && cmd === 'apt-get' && args[0] === 'install') {
      execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
      execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
    } else if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  }
  const got = findChromium();
  if (!got) throw new Error('Chromium still not found after installing it');
  return got.path;
}
