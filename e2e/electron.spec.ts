// The real Electron app, launched by Playwright where its binary exists.
// These machines install electron with ELECTRON_SKIP_BINARY_DOWNLOAD, so here
// the test is skipped with that reason; on a workstation or CI runner with
// the binary (and a display) it runs against the built app in out/.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ControlCenterApi } from '../common/contract';

const root = resolve(import.meta.dirname, '..');
// The renderer's globals as these evaluations see them (this file is type-checked without the DOM lib).
type Page = { controlCenter: ControlCenterApi; open(url: string): unknown };

function electronBinary(): { path?: string; skip?: string } {
  let path: unknown;
  try {
    path = createRequire(join(root, 'package.json'))('electron');
  } catch {
    return { skip: 'Electron binary not installed here — node_modules/electron/dist missing (ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { skip: `Electron binary not installed here — ${String(path)} missing` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { skip: 'No display for Electron (DISPLAY/WAYLAND_DISPLAY unset) — run under xvfb-run' };
  }
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) return { skip: 'App not built — run `npm run build` first' };
  return { path };
}

const binary = electronBinary();

test.describe('Electron app', () => {
  test('starts hardened and exposes only the typed API, with error codes intact', async () => {
    if (!binary.path) {
      console.log(`[electron e2e] skipped: ${binary.skip}`);
      test.skip(true, binary.skip);
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'gcc-e2e-electron-'));
    const app = await electron.launch({ executablePath: binary.path, args: [root, `--data-dir=${dataDir}`], cwd: root });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveTitle(/Greenlet Control Center/);
      // Served from the app's own scheme, not file:// (main/app-protocol.ts; the file fuse is off).
      expect(page.url()).toBe('app://renderer/index.html');

      // No Node in the page (nodeIntegration off, sandboxed, isolated): only the bridge.
      const globals = await page.evaluate(() => ({
        api: typeof (globalThis as unknown as Page).controlCenter,
        require: typeof (globalThis as unknown as { require?: unknown }).require,
        process: typeof (globalThis as unknown as { process?: unknown }).process,
      }));
      expect(globals).toEqual({ api: 'object', require: 'undefined', process: 'undefined' });

      const info = await page.evaluate(() => (globalThis as unknown as Page).controlCenter.getAppInfo({}));
      expect(info).toMatchObject({ mode: 'electron', dataDir });

      const refusal = await page.evaluate(() =>
        (globalThis as unknown as Page).controlCenter.scale({ minWorkers: 0, maxWorkers: 1 }).then(
          () => null,
          (e: { code: string; issues?: Array<{ path: string }> }) => ({ code: e.code, paths: e.issues?.map((i) => i.path) }),
        ),
      );
      expect(refusal).toEqual({ code: 'ERR_VALIDATION', paths: ['minWorkers'] });

      expect(await page.evaluate(() => (globalThis as unknown as Page).open('https://example.org/') === null)).toBe(true);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
