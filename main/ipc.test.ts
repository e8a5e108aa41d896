// IPC registration against a fake `electron` module (the real one cannot run
// here): every contract method is registered by one loop, foreign senders are
// refused before parsing, bad payloads name their fields, codes survive.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, ipcChannel, methodNames } from '../common/contract';
import type { ApiHandlers, EventName } from '../common/contract';
import { ApiError } from './control/api-error';
import type { ApiHost, Envelope } from './transport/dispatch';

type Handler = (event: unknown, raw: unknown) => Promise<Envelope> | Envelope;
const registered = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => {
      if (registered.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      registered.set(channel, fn);
    },
    removeHandler: (channel: string) => registered.delete(channel),
  },
}));

const { registerIpc, senderProblem } = await import('./ipc');
const { isAppProtocolUrl } = await import('./app-protocol');

const APP_URL = 'app://renderer/index.html';
function fakeWindow() {
  const mainFrame = { processId: 4, routingId: 1, url: APP_URL };
  const webContents = { mainFrame, send: vi.fn() };
  return { isDestroyed: () => false, webContents };
}
type FakeWindow = ReturnType<typeof fakeWindow>;
const eventFrom = (win: FakeWindow, frame: Partial<FakeWindow['webContents']['mainFrame']> = {}) => ({
  sender: win.webContents,
  senderFrame: { ...win.webContents.mainFrame, ...frame },
});

function makeHost(): ApiHost & { emit(e: EventName, p: unknown): void; calls: Array<[string, unknown]> } {
  const bus = new EventEmitter();
  const calls: Array<[string, unknown]> = [];
  const handlers = Object.fromEntries(
    methodNames.map((m) => [m, async (input: unknown) => (calls.push([m, input]), { answeredBy: m })]),
  ) as unknown as ApiHandlers;
  handlers.submitTask = async () => {
    throw new ApiError('ERR_QUEUE_FULL', 'Pool queue is full (100)');
  };
  return {
    handlers,
    calls,
    on: (e, l) => (bus.on(e, l), () => bus.off(e, l)),
    emit: (e, p) => bus.emit(e, p),
  };
}

const call = (method: string, event: unknown, raw: unknown) => registered.get(ipcChannel(method as never))!(event, raw);

describe('registerIpc', () => {
  let win: FakeWindow;
  let host: ReturnType<typeof makeHost>;
  let dispose: () => void;
  beforeEach(() => {
    win = fakeWindow();
    host = makeHost();
    dispose = registerIpc(host, { getWindow: () => win as never, isAppUrl: isAppProtocolUrl });
  });
  afterEach(() => dispose());

  it('registers one channel per contract method, and removes them on dispose', () => {
    expect([...registered.keys()].sort()).toEqual(methodNames.map(ipcChannel).sort());
    dispose();
    expect(registered.size).toBe(0);
    dispose = () => {};
  });

  it('a good call from our window reaches the handler and returns its value', async () => {
    const r = await call('getConfig', eventFrom(win), {});
    expect(r).toEqual({ ok: true, value: { answeredBy: 'getConfig' } });
    expect(host.calls).toEqual([['getConfig', {}]]);
  });

  it('refuses another webContents before parsing or calling', async () => {
    const stranger = fakeWindow();
    const r = await call('restartPool', eventFrom(stranger), {});
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
    expect(host.calls).toEqual([]);
  });

  it('refuses a subframe of our window', async () => {
    const r = await call('recycleAll', eventFrom(win, { routingId: 7 }), {});
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN', message: expect.stringMatching(/main frame/) } });
    expect(host.calls).toEqual([]);
  });

  it('refuses our main frame once it shows a foreign origin, file:// included', async () => {
    const r = await call('getConfig', eventFrom(win, { url: 'https://evil.example/' }), {});
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN', message: expect.stringMatching(/evil\.example/) } });
    const file = await call('getConfig', eventFrom(win, { url: 'file:///opt/gcc/out/renderer/index.html' }), {});
    expect(file).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN', message: expect.stringMatching(/file:/) } });
  });

  it('refuses everything when the window is gone', async () => {
    dispose();
    dispose = registerIpc(host, { getWindow: () => null, isAppUrl: () => true });
    expect(await call('getStats', eventFrom(win), {})).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
  });

  it('refuses a bad payload naming every bad field, and never calls the handler', async () => {
    const r = await call('scale', eventFrom(win), { minWorkers: 0, maxWorkers: 'ten' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('ERR_VALIDATION');
    expect(r.error.issues?.map((i) => i.path).sort()).toEqual(['maxWorkers', 'minWorkers']);
    expect(host.calls).toEqual([]);
  });

  it('keeps the error code of a failing handler', async () => {
    const r = await call('submitTask', eventFrom(win), { data: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'ERR_QUEUE_FULL', message: 'Pool queue is full (100)', issues: undefined, details: undefined } });
  });

  it('forwards every contract event to the window on the event channel', () => {
    host.emit('metrics.sample', { t: 1 });
    host.emit('log', { seq: 3, message: 'hello' });
    expect(win.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'metrics.sample', { t: 1 });
    expect(win.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, 'log', { seq: 3, message: 'hello' });
  });

  it('stops forwarding events after dispose', () => {
    dispose();
    dispose = () => {};
    host.emit('stats', { total: 1 });
    expect(win.webContents.send).not.toHaveBeenCalled();
  });
});

describe('senderProblem', () => {
  it('accepts exactly our main frame on our origin', () => {
    const win = fakeWindow();
    const opts = { getWindow: () => win as never, isAppUrl: (u: string) => u === APP_URL };
    expect(senderProblem(eventFrom(win) as never, opts)).toBeNull();
    expect(senderProblem({ sender: win.webContents, senderFrame: null } as never, opts)).toMatch(/main frame/);
  });
});

describe('registerIpc with the real control plane', () => {
  it('a good call reaches it and returns its value; a bad one changes nothing', async () => {
    const { startControlPlane } = await import('./headless/test-helpers');
    const { cp, cleanup } = await startControlPlane();
    const win = fakeWindow();
    const dispose = registerIpc(cp, { getWindow: () => win as never, isAppUrl: (u) => u === APP_URL });
    try {
      expect(await call('getConfig', eventFrom(win), {})).toEqual({ ok: true, value: cp.getConfig() });
      const task = await call('submitTask', eventFrom(win), { data: { hello: 'ipc' } });
      expect(task).toMatchObject({ ok: true, value: { result: { hello: 'ipc' }, workerId: expect.any(String) } });

      const before = structuredClone(cp.getConfig());
      const bad = await call('updateConfig', eventFrom(win), { patch: { pool: { minWorkers: 5, maxWorkers: 2 } } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'ERR_VALIDATION', issues: [expect.objectContaining({ path: 'pool.minWorkers' })] } });
      expect(cp.getConfig()).toEqual(before);

      const stranger = fakeWindow();
      expect(await call('restartPool', eventFrom(stranger), {})).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
    } finally {
      dispose();
      await cleanup();
    }
  }, 60_000);
});
