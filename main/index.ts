// The Electron shell: app lifecycle around the control plane. Everything an
// operator does goes through the typed API (main/ipc.ts); this file only
// wires windows, the native save dialog, notifications and a draining quit.
import { app, BrowserWindow, dialog, Notification } from 'electron';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ApiHandlers, MethodName, SnapshotFile } from '../common/contract';
import { startA2AServer, type A2AServer } from './a2a/index';
import { ControlPlane } from './control/index';
import { generateToken } from './headless/auth';
import { registerIpc } from './ipc';
import { appUrlMatcher, createMainWindow, registerAppScheme, serveAppScheme } from './window';

const preload = join(import.meta.dirname, '../preload/index.cjs');
// The built page, named by its file so main/packaging.test.ts can check it is packaged; app://renderer/ serves its folder.
const rendererDir = dirname(join(import.meta.dirname, '../renderer/index.html'));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
registerAppScheme(); // must precede app 'ready'

// `--data-dir=<dir>` keeps config and history apart (tests, a second profile).
const dataDirArg = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
if (dataDirArg) app.setPath('userData', dataDirArg);

let cp: ControlPlane | null = null;
let win: BrowserWindow | null = null;
let disposeIpc: (() => void) | null = null;
let a2a: A2AServer | null = null;
let a2aStarting: Promise<void> | null = null;
let quitState: 'running' | 'draining' | 'done' = 'running';

function openWindow(): void {
  win = createMainWindow({ preload, devServerUrl });
  win.on('closed', () => (win = null));
}

/** Exports over IPC (snapshots, tuning reports) also save the file through the native dialog. */
function shellHandlers(plane: ControlPlane): ApiHandlers {
  const save = async (file: SnapshotFile, format: string): Promise<SnapshotFile> => {
    const options = { defaultPath: join(app.getPath('downloads'), file.filename), filters: [{ name: format.toUpperCase(), extensions: [format] }] };
    const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { ...file, savedTo: null };
    await writeFile(choice.filePath, file.content, { encoding: 'utf8', mode: 0o600 }); // private like the data dir's files
    return { ...file, savedTo: choice.filePath };
  };
  const handlers = plane.handlersFor('desktop'); // the operator's trail says "via the desktop app"
  const exportSnapshot: ApiHandlers['exportSnapshot'] = async (input) => save(await handlers.exportSnapshot(input), input.format);
  const exportExperiment: ApiHandlers['exportExperiment'] = async (input) => save(await handlers.exportExperiment(input), input.format);
  const wrapped: Partial<Record<MethodName, unknown>> = { exportSnapshot, exportExperiment };
  return new Proxy(handlers, {
    get: (target, key) => (typeof key === 'string' && key in wrapped ? wrapped[key as MethodName] : Reflect.get(target, key)),
  });
}

function notifyCriticalAlerts(plane: ControlPlane): void {
  plane.on('alert.raised', (alert) => {
    if (alert.severity !== 'critical' || !plane.getConfig().alerts.desktopNotifications) return;
    if (!Notification.isSupported()) return;
    new Notification({ title: 'Greenlet Control Center — critical alert', body: alert.message }).show();
  });
}

/**
 * The A2A gateway on its own loopback port (config a2a.port, 0 = free port); the UI shows
 * its URL from getAppInfo. The desktop app has no API token, so the gateway gets its own,
 * saved in the config where the operator can read it.
 */
function startA2A(plane: ControlPlane): Promise<void> {
  if (a2a || !plane.getConfig().a2a.enabled) return Promise.resolve();
  // Config changes arrive in bursts; one start at a time.
  a2aStarting ??= launchA2A(plane).finally(() => (a2aStarting = null));
  return a2aStarting;
}

async function launchA2A(plane: ControlPlane): Promise<void> {
  try {
    let token = plane.getConfig().a2a.token;
    if (!token) {
      token = generateToken();
      await plane.handlers.updateConfig({ patch: { a2a: { token } } });
    }
    a2a = await startA2AServer({ controlPlane: plane, token, version: app.getVersion() });
  } catch (err) {
    console.error('[main] A2A gateway did not start:', err);
  }
}

async function start(): Promise<void> {
  const runtimeDir = app.isPackaged ? join(process.resourcesPath, 'python') : join(app.getAppPath(), 'python');
  cp = await ControlPlane.create({ dataDir: app.getPath('userData'), mode: 'electron', version: app.getVersion(), runtimeDir });
  serveAppScheme(rendererDir);
  disposeIpc = registerIpc(cp, {
    getWindow: () => win,
    isAppUrl: appUrlMatcher(devServerUrl),
    handlers: shellHandlers(cp),
  });
  notifyCriticalAlerts(cp);
  openWindow();
  const plane = cp;
  await startA2A(plane);
  plane.on('config.changed', (config) => void (config.a2a.enabled && startA2A(plane)));
}

// Quitting drains the pool: in-flight work finishes (up to drainTimeout) before the process exits.
app.on('before-quit', (event) => {
  if (quitState === 'done') return;
  event.preventDefault();
  if (quitState === 'draining') return;
  quitState = 'draining';
  void (async () => {
    try {
      disposeIpc?.();
      await a2aStarting;
      await a2a?.close();
      await cp?.stop();
    } catch (err) {
      console.error('[main] error while draining the pool', err);
    } finally {
      quitState = 'done';
      app.exit(0);
    }
  })();
});

if (!app.requestSingleInstanceLock()) {
  app.exit(0); // another instance owns the data directory and the pool
} else {
  app.on('second-instance', () => {
    if (!win) return openWindow();
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (cp && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Greenlet Control Center could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
      quitState = 'done';
      app.exit(1);
    });
}
