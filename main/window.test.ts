// Window hardening against a fake `electron` module: the options the real
// BrowserWindow receives, and what happens to window.open and navigation.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep } from '../common/test-support/wait';

const state = vi.hoisted(() => ({
  options: null as null | Record<string, any>,
  openHandler: null as null | ((d: { url: string }) => { action: string }),
  listeners: new Map<string, (...args: any[]) => void>(),
  loaded: [] as string[],
  opened: [] as string[],
  headerHook: null as null | ((d: any, cb: (r: any) => void) => void),
  permission: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  fail: false, // openExternal and loadURL reject, as they do without a browser or a built renderer
  schemes: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
  handlers: new Map<string, (req: Request) => Promise<Response>>(),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      setWindowOpenHandler: (fn: typeof state.openHandler) => (state.openHandler = fn),
      on: (name: string, fn: (...args: any[]) => void) => state.listeners.set(name, fn),
    };
    constructor(options: Record<string, any>) {
      state.options = options;
    }
    once() {}
    loadFile(f: string) {
      state.loaded.push(`file:${f}`);
      return Promise.resolve();
    }
    loadURL(u: string) {
      state.loaded.push(u);
      return state.fail ? Promise.reject(new Error('ERR_FILE_NOT_FOUND (-6)')) : Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (s: typeof state.schemes) => state.schemes.push(...s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => state.handlers.set(scheme, fn),
    },
    shell: {
      openExternal: (url: string) => (
        state.opened.push(url),
        state.fail ? Promise.reject(new Error('no browser: xdg-open failed')) : Promise.resolve()
      ),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof state.headerHook) => (state.headerHook = fn) },
        setPermissionRequestHandler: (fn: typeof state.permission) => (state.permission = fn),
        setPermissionCheckHandler: () => {},
      },
    },
  };
});

const { appUrlMatcher, createMainWindow, registerAppScheme, serveAppScheme } = await import('./window');

describe('createMainWindow', () => {
  beforeEach(() => {
    state.loaded = [];
    state.opened = [];
    state.listeners.clear();
    createMainWindow({ preload: '/opt/gcc/out/preload/index.cjs' });
  });

  it('isolates the page: context isolation, sandbox, no node integration, the CJS preload', () => {
    expect(state.options?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      preload: '/opt/gcc/out/preload/index.cjs',
    });
    expect(state.loaded).toEqual(['app://renderer/index.html']); // never file://
  });

  it('denies window.open, sending http(s) links to the browser and nothing else', () => {
    expect(state.openHandler!({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' });
    expect(state.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(state.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(state.opened).toEqual(['https://example.org/docs']);
  });

  it('prevents navigation away from the app and allows reloads of it', () => {
    const navigate = state.listeners.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    navigate(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    expect(state.opened).toEqual(['https://evil.example/']);
    const inside = { preventDefault: vi.fn() };
    navigate(inside, 'app://renderer/index.html#/workers');
    expect(inside.preventDefault).not.toHaveBeenCalled();
    const file = { preventDefault: vi.fn() };
    navigate(file, 'file:///opt/gcc/out/renderer/index.html');
    expect(file.preventDefault).toHaveBeenCalled();
  });

  it('sets the CSP header on responses and denies permission requests', () => {
    let headers: Record<string, string[]> = {};
    state.headerHook!({ responseHeaders: { 'X-A': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']?.[0]).toMatch(/default-src 'self'/);
    expect(headers['Content-Security-Policy']?.[0]).not.toMatch(/unsafe-eval/);
    let granted: boolean | undefined;
    state.permission!({}, 'notifications', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });
});

describe('failures the main process must survive', () => {
  it('a failed page load or a link with no browser to open it is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const warn = vi.spyOn(console, 'error').mockImplementation(() => {});
    state.fail = true;
    try {
      createMainWindow({ preload: '/opt/gcc/out/preload/index.cjs' });
      state.openHandler!({ url: 'https://example.org/docs' });
      state.listeners.get('will-navigate')!({ preventDefault: vi.fn() }, 'https://evil.example/');
      await sleep(20); // let the rejections settle (and be reported if unhandled)
      expect(unhandled).toEqual([]);
      expect(warn).toHaveBeenCalled(); // said where it went wrong instead
    } finally {
      state.fail = false;
      warn.mockRestore();
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('app:// scheme', () => {
  it('registers app as a standard, secure scheme with fetch, and serves the renderer directory through it', async () => {
    registerAppScheme();
    expect(state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    const dir = await mkdtemp(join(tmpdir(), 'gcc-window-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>GCC</title>');
      serveAppScheme(dir);
      const handle = state.handlers.get('app')!;
      const page = await handle(new Request('app://renderer/index.html'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(await page.text()).toContain('<title>GCC</title>');
      expect((await handle(new Request('app://renderer/..%2f..%2f..%2fetc%2fpasswd'))).status).toBe(403);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('appUrlMatcher', () => {
  it('matches app://renderer/, never file://, and the dev server origin only when given', () => {
    const prod = appUrlMatcher();
    expect(prod('app://renderer/index.html')).toBe(true);
    expect(prod('app://other/index.html')).toBe(false);
    expect(prod('file:///opt/gcc/out/renderer/index.html')).toBe(false);
    expect(prod('http://localhost:5173/')).toBe(false);
    const dev = appUrlMatcher('http://localhost:5173/');
    expect(dev('http://localhost:5173/#/alerts')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });
});
