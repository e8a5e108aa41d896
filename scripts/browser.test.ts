// The browser resolver `npm test` and playwright.config.ts share: which
// Chromium it picks, in which order, and how it would install one — against
// fake directories and env, never this machine's real Chromium.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error — plain .mjs script; its types are in browser.d.mts for playwright.config.ts
import { findChromium, installPlan, osFamily, playwrightCacheDir } from './browser.mjs';

let dir: string;
const exe = (...parts: string[]) => {
  const p = join(dir, ...parts);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, '#!/bin/sh\n');
  chmodSync(p, 0o755);
  return p;
};
// An empty home and PATH: nothing is found unless a test puts it there.
const base = () => ({
  env: { PATH: join(dir, 'bin') } as Record<string, string>,
  platform: 'linux',
  home: join(dir, 'home'),
  systemPaths: [] as string[],
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcc-browser-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('findChromium', () => {
  it('finds nothing on a machine without Chromium', () => {
    expect(findChromium(base())).toBeNull();
  });

  it('takes CHROMIUM_PATH first, then PLAYWRIGHT_CHROMIUM_EXECUTABLE', () => {
    const a = exe('a', 'chrome');
    const b = exe('b', 'chrome');
    const o = base();
    o.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE = b;
    expect(findChromium(o)).toEqual({ path: b, source: '$PLAYWRIGHT_CHROMIUM_EXECUTABLE' });
    o.env.CHROMIUM_PATH = a;
    expect(findChromium(o)).toEqual({ path: a, source: '$CHROMIUM_PATH' });
  });

  it('refuses an env var naming a missing file instead of silently using another browser', () => {
    const o = base();
    o.env.CHROMIUM_PATH = join(dir, 'nope');
    expect(() => findChromium(o)).toThrow(/CHROMIUM_PATH=.*nope does not name an existing file/);
  });

  it("uses the newest revision in Playwright's cache (~/.cache/ms-playwright, or PLAYWRIGHT_BROWSERS_PATH)", () => {
    exe('home', '.cache', 'ms-playwright', 'chromium-1100', 'chrome-linux', 'chrome');
    const newest = exe('home', '.cache', 'ms-playwright', 'chromium-1255', 'chrome-linux64', 'chrome');
    mkdirSync(join(dir, 'home', '.cache', 'ms-playwright', 'chromium-1300')); // half-installed: skipped
    expect(findChromium(base())).toEqual({ path: newest, source: "Playwright's cache" });

    const o = base();
    o.env.PLAYWRIGHT_BROWSERS_PATH = join(dir, 'pw');
    const custom = exe('pw', 'chromium-7', 'chrome-linux64', 'chrome');
    expect(findChromium(o)).toEqual({ path: custom, source: "Playwright's cache" });
  });

  it('falls back to the system package, then to chromium on PATH', () => {
    const onPath = exe('bin', 'chromium');
    expect(findChromium(base())).toEqual({ path: onPath, source: 'PATH' });
    const sys = exe('usr', 'bin', 'chromium');
    expect(findChromium({ ...base(), systemPaths: [sys] })).toEqual({ path: sys, source: 'system package' });
  });

  it("knows each platform's cache folder", () => {
    expect(playwrightCacheDir({}, 'darwin', '/h')).toBe(join('/h', 'Library', 'Caches', 'ms-playwright'));
    expect(playwrightCacheDir({ LOCALAPPDATA: 'C:/L' }, 'win32', '/h')).toBe(join('C:/L', 'ms-playwright'));
    expect(playwrightCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux', '/h')).toBe(join('/x', 'ms-playwright'));
  });
});

describe('installPlan', () => {
  const debian = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
  const ubuntu = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';

  it('reads ID and ID_LIKE from os-release', () => {
    expect(osFamily(ubuntu)).toEqual(['ubuntu', 'debian']);
  });

  it("uses Debian's chromium package as root, refreshing empty package lists first", () => {
    const plan = installPlan({ platform: 'linux', isRoot: true, osRelease: debian, aptListsEmpty: true });
    expect(plan.steps.map((s: [string, string[]]) => [s[0], ...s[1]])).toEqual([
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', 'chromium'],
    ]);
    expect(plan.line).toMatch(/installing Debian's chromium package/);
    expect(installPlan({ platform: 'linux', isRoot: true, osRelease: debian }).steps).toHaveLength(1);
  });

  it("uses Playwright's build without root, on Ubuntu (snap-only Chromium) and off Linux", () => {
    const cmd = (o: object) => installPlan(o).steps.map((s: [string, string[]]) => [s[0], ...s[1]].join(' '));
    expect(cmd({ platform: 'linux', isRoot: false, osRelease: debian })).toEqual(['npx playwright install chromium']);
    expect(cmd({ platform: 'linux', isRoot: true, osRelease: ubuntu })).toEqual(['npx playwright install --with-deps chromium']);
    expect(cmd({ platform: 'darwin', isRoot: false })).toEqual(['npx playwright install chromium']);
    expect(installPlan({ platform: 'darwin', isRoot: false }).line).toMatch(/^no Chromium found: downloading Playwright's build/);
  });
});
