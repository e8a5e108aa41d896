// The Electron shell's lifecycle against a fake `electron` module and the
// REAL control plane (real Python workers): start-up wiring, the save dialog
// behind exportSnapshot, and a quit that drains the pool before exiting.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ipcChannel } from '../common/contract';
import type { Envelope } from './transport/dispatch';

const fake = vi.hoisted(() => ({
  userData: '',
  appListeners: new Map<string, (...args: any[]) => void>(),
  ipc: new Map<string, (event: unknown, raw: unknown) => Promise<Envelope> | Envelope>(),
  windows: [] as any[],
  saveChoice: { canceled: true, filePath: undefined as string | undefined },
  exitCode: null as number | null,
  notifications: [] as Array<{ title: string; body: string }>,
  onExit: null as null | (() => void),
  schemes: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
  schemesBeforeReady: 0,
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => fake.windows;
    webContents = {
      mainFrame: { processId: 1, routingId: 1, url: '' },
      send: () => {},
      setWindowOpenHandler: () => {},
      on: () => {},
    };
    constructor() {
      fake.windows.push(this);
    }
    once() {}
    on() {}
    isDestroyed = () => false;
    loadFile(file: string) {
      this.webContents.mainFrame.url = pathToFileURL(file).href;
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    app: {
      isPackaged: false,
      getPath: (name: string) => (name === 'userData' ? fake.userData : tmpdir()),
      setPath: () => {},
      getVersion: () => '9.9.9-test',
      getAppPath: () => resolve(import.meta.dirname, '..'),
      requestSingleInstanceLock: () => true,
      on: (event: string, fn: (...args: any[]) => void) => fake.appListeners.set(event, fn),
      whenReady: () => ((fake.schemesBeforeReady = fake.schemes.length), Promise.resolve()),
      quit: () => {},
      exit: (code: number) => {
        fake.exitCode = code;
        fake.onExit?.();
      },
    },
    dialog: {
      showSaveDialog: async () => fake.saveChoice,
      showErrorBox: (title: string, body: string) => {
        throw new Error(`${title}: ${body}`);
      },
    },
    Notification: class {
      static isSupported = () => true;
      constructor(private readonly opts: { title: string; body: string }) {}
      show() {
        fake.notifications.push(this.opts);
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof fake.schemes) => fake.schemes.push(...schemes),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => fake.protocolHandlers.set(scheme, fn),
    },
    ipcMain: {
      handle: (channel: string, fn: any) => fake.ipc.set(channel, fn),
      removeHandler: (channel: string) => fake.ipc.delete(channel),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => {} },
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: async () => {} },
  };
});

let dir = '';
afterAll(async () => {
  if (fake.exitCode === null) await quit(); // never leave workers behind
  await rm(dir, { recursive: true, force: true });
});

const call = async (method: Parameters<typeof ipcChannel>[0], raw: unknown) => {
  const win = fake.windows[0];
  return fake.ipc.get(ipcChannel(method))!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, raw);
};

function quit(): Promise<{ prevented: boolean }> {
  const exited = new Promise<void>((r) => (fake.onExit = r));
  const event = { preventDefault: vi.fn() };
  fake.appListeners.get('before-quit')!(event);
  return exited.then(() => ({ prevented: event.preventDefault.mock.calls.length > 0 }));
}

describe('Electron shell', () => {
  it('starts the control plane in userData and opens one window wired to IPC', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gcc-shell-'));
    fake.userData = join(dir, 'userData');
    await import('./index');
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 20_000 });
    await vi.waitFor(async () => expect(await call('getAppInfo', {})).toMatchObject({ ok: true }), { timeout: 20_000 });
    const info = await call('getAppInfo', {});
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', version: '9.9.9-test', dataDir: fake.userData } });
  }, 30_000);

  it('loads the renderer from app://renderer/, a scheme registered before ready and served by a handler', async () => {
    expect(fake.windows[0].webContents.mainFrame.url).toBe('app://renderer/index.html');
    expect(fake.schemes.map((s) => s.scheme)).toEqual(['app']);
    expect(fake.schemes[0]?.privileges).toMatchObject({ standard: true, secure: true });
    expect(fake.schemesBeforeReady).toBe(1);
    const handle = fake.protocolHandlers.get('app')!;
    expect((await handle(new Request('app://renderer/..%2f..%2fpackage.json'))).status).toBe(403);
    // IPC accepts the app:// main frame and refuses the same window once it shows file://.
    const win = fake.windows[0];
    const fileFrame = { ...win.webContents.mainFrame, url: 'file:///opt/gcc/out/renderer/index.html' };
    expect(await fake.ipc.get(ipcChannel('getAppInfo'))!({ sender: win.webContents, senderFrame: fileFrame }, {})).toMatchObject({
      ok: false,
      error: { code: 'ERR_FORBIDDEN' },
    });
  });

  it('starts the A2A gateway on a loopback port with a token saved in the config', async () => {
    await vi.waitFor(
      async () => {
        const r = (await call('getAppInfo', {})) as { ok: true; value: { agentCardUrl?: string } };
        expect(r.value.agentCardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      },
      { timeout: 20_000 },
    );
    const { value } = (await call('getAppInfo', {})) as { ok: true; value: { agentCardUrl: string; a2aUrl: string } };
    expect((await fetch(value.agentCardUrl)).status).toBe(200);
    // The API says a token is set but never shows it; the operator reads it in config.json (0600).
    const config = (await call('getConfig', {})) as { ok: true; value: { a2a: { token?: string } } };
    expect(config.value.a2a.token).toBe('<redacted>');
    const onDisk = JSON.parse(await readFile(join(fake.userData, 'config.json'), 'utf8')) as { a2a: { token?: string } };
    expect(onDisk.a2a.token?.length).toBeGreaterThanOrEqual(16);
    const rpc = await fetch(`${value.a2aUrl}/a2a/jsonrpc`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(rpc.status).toBe(401);
  });

  it('saves exportSnapshot through the save dialog and says where', async () => {
    const target = join(dir, 'snapshot.json');
    fake.saveChoice = { canceled: false, filePath: target };
    const saved = await call('exportSnapshot', { format: 'json' });
    expect(saved).toMatchObject({ ok: true, value: { savedTo: target, mimeType: expect.stringContaining('json') } });
    const written = JSON.parse(await readFile(target, 'utf8'));
    expect(written).toHaveProperty('config');
    expect(written.config.a2a.token).toBe('<redacted>');
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);

    fake.saveChoice = { canceled: true, filePath: undefined };
    expect(await call('exportSnapshot', { format: 'csv' })).toMatchObject({ ok: true, value: { savedTo: null } });
  });

  it('shows a desktop notification for a critical alert', async () => {
    // Any latency at all breaches a 0 ms threshold: the next samples raise the critical alert.
    const patch = { alerts: { avgResponseTimeMs: 0, raiseAfterSamples: 1 } };
    expect(await call('updateConfig', { patch })).toMatchObject({ ok: true });
    await vi.waitFor(
      async () => {
        await call('submitTask', { data: { sleep_ms: 20 } });
        expect(fake.notifications.length).toBeGreaterThan(0);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(fake.notifications[0]).toMatchObject({ title: expect.stringMatching(/critical/), body: expect.any(String) });
  }, 30_000);

  it('quitting waits for the pool to drain, then exits', async () => {
    await vi.waitFor(
      async () => {
        const r = await call('getDetailedStats', {});
        expect(r.ok && (r.value as { healthy: number }).healthy).toBeGreaterThan(0);
      },
      { timeout: 20_000 },
    );
    const stats = (await call('getDetailedStats', {})) as { ok: true; value: { workers: Array<{ pid: number | null }> } };
    const pids = stats.value.workers.map((w) => w.pid).filter((p): p is number => p !== null);
    expect(pids.length).toBeGreaterThan(0);
    const cardUrl = ((await call('getAppInfo', {})) as { ok: true; value: { agentCardUrl: string } }).value.agentCardUrl;
    // A task in flight when the operator quits still gets its answer.
    const inFlight = call('submitTask', { data: { sleep_ms: 300, text: 'late' } });
    const { prevented } = await quit();
    expect(prevented).toBe(true);
    expect(fake.exitCode).toBe(0);
    expect(await inFlight).toMatchObject({ ok: true });
    for (const pid of pids) expect(() => process.kill(pid, 0), `worker ${pid} still alive`).toThrow();
    await expect(fetch(cardUrl)).rejects.toThrow(); // the A2A port is closed too
  }, 60_000);
});
