// Window hardening against a fake `electron` module: the options the real
// BrowserWindow receives, and what happens to window.open and navigation.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = vi.hoisted(() => ({
  options: null as null | Record<string, any>,
  openHandler: null as null | ((d: { url: string }) => { action: string }),
  listeners: new Map<string, (...args: any[]) => void>(),
  loaded: [] as string[],
  opened: [] as string[],
  headerHook: null as null | ((d: any, cb: (r: any) => void) => void),
  permission: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  fail: false, // openExternal and loadFile reject, as they do without a browser or a built renderer
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
      return state.fail ? Promise.reject(new Error('ERR_FILE_NOT_FOUND (-6)')) : Promise.resolve();
    }
    loadURL(u: string) {
      state.loaded.push(u);
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    shell: {
      openExternal: (url: string) => (state.opened.push(url), state.fail ? Promise.reject(new Error('no browser: xdg-open failed')) : Promise.resolve()),
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

const { appUrlMatcher, createMainWindow } = await import('./window');
const RENDERER = '/opt/gcc/out/renderer/index.html';

describe('createMainWindow', () => {
  beforeEach(() => {
    state.loaded = [];
    state.opened = [];
    state.listeners.clear();
    createMainWindow({ preload: '/opt/gcc/out/preload/index.cjs', rendererFile: RENDERER });
  });

  it('isolates the page: context isolation, sandbox, no node integration, the CJS preload', () => {
    expect(state.options?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      preload: '/opt/gcc/out/preload/index.cjs',
    });
    expect(state.loaded).toEqual([`file:${RENDERER}`]);
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
    navigate(inside, 'file:///opt/gcc/out/renderer/index.html#/workers');
    expect(inside.preventDefault).not.toHaveBeenCalled();
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
      createMainWindow({ preload: '/opt/gcc/out/preload/index.cjs', rendererFile: RENDERER });
      state.openHandler!({ url: 'https://example.org/docs' });
      state.listeners.get('will-navigate')!({ preventDefault: vi.fn() }, 'https://evil.example/');
      await new Promise((r) => setTimeout(r, 20)); // let the rejections settle (and be reported if unhandled)
      expect(unhandled).toEqual([]);
      expect(warn).toHaveBeenCalled(); // said where it went wrong instead
    } finally {
      state.fail = false;
      warn.mockRestore();
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('appUrlMatcher', () => {
  it('matches the built bundle directory, and the dev server origin only when given', () => {
    const prod = appUrlMatcher(RENDERER);
    expect(prod('file:///opt/gcc/out/renderer/index.html')).toBe(true);
    expect(prod('file:///opt/gcc/out/other/index.html')).toBe(false);
    expect(prod('http://localhost:5173/')).toBe(false);
    const dev = appUrlMatcher(RENDERER, 'http://localhost:5173/');
    expect(dev('http://localhost:5173/#/alerts')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });
});
