// The application window, hardened per Electron's security checklist:
// isolated, sandboxed preload; no Node in the page; no new windows and no
// navigation away from the app (http/https links open in the browser);
// a CSP on every response; every permission request denied. The built
// renderer is served from app://renderer/ (main/app-protocol.ts), not file://.
import { BrowserWindow, protocol, session, shell } from 'electron';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, isAppProtocolUrl, serveAppRequest } from './app-protocol';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from './transport/csp';

export interface WindowOptions {
  preload: string; // out/preload/index.cjs
  devServerUrl?: string; // electron-vite dev only; otherwise app://renderer/index.html
}

/** Before app 'ready' (Electron's rule for privileged schemes). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** After app 'ready': serve app://renderer/ from the built renderer directory (out/renderer). */
export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));
}

// Both reject in ordinary situations (no browser installed, a load cut short); an unhandled
// rejection in the main process is at best noise and at worst the end of the app.
function openInBrowser(url: string): void {
  shell.openExternal(url).catch((err: unknown) => console.error(`[window] could not open ${url} in the browser:`, err));
}

export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Recognises our renderer: app://renderer/, or the dev server's origin. Never file://. */
export function appUrlMatcher(devServerUrl?: string): (url: string) => boolean {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null;
  return (url) => {
    if (isAppProtocolUrl(url)) return true;
    if (!devOrigin) return false;
    try {
      return new URL(url).origin === devOrigin;
    } catch {
      return false;
    }
  };
}

function enforceCsp(devServerUrl?: string): void {
  const policy = devServerUrl ? devContentSecurityPolicy(new URL(devServerUrl).origin) : CONTENT_SECURITY_POLICY;
  // Covers http(s) responses (the dev server); app:// responses carry it from serveAppRequest.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  enforceCsp(opts.devServerUrl);
  const isAppUrl = appUrlMatcher(opts.devServerUrl);
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Greenlet Control Center',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());

  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) openInBrowser(url);
    return { action: 'deny' };
  });
  const stayInApp = (event: Electron.Event, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isExternalWebUrl(url)) openInBrowser(url);
  };
  win.webContents.on('will-navigate', stayInApp);
  win.webContents.on('will-redirect', stayInApp);
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());

  const loaded = win.loadURL(opts.devServerUrl ?? APP_INDEX_URL);
  loaded.catch((err: unknown) => console.error('[window] the app page did not load:', err));
  return win;
}
