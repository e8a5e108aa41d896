// The preload bridge: from the source against a fake `electron`, and the
// BUILT out/preload/index.cjs inside a sandbox-like context whose `require`
// offers only `electron` — what a sandboxed Electron preload gets.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, eventNames, ipcChannel, methodNames } from '../common/contract';

function fakeElectron() {
  const exposed: Record<string, any> = {};
  let onEvent: ((e: unknown, name: string, payload: unknown) => void) | null = null;
  const invoke = vi.fn(async (channel: string, input: unknown) => {
    if (channel === ipcChannel('submitTask')) return { ok: false, error: { code: 'ERR_QUEUE_FULL', message: 'full' } };
    return { ok: true, value: { channel, input } };
  });
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: { invoke, on: (ch: string, fn: typeof onEvent) => ch === IPC_EVENT_CHANNEL && (onEvent = fn) },
  };
  return { electron, exposed, invoke, emit: (name: string, payload: unknown) => onEvent?.({}, name, payload) };
}

async function checkBridge(f: ReturnType<typeof fakeElectron>) {
  expect(Object.keys(f.exposed)).toEqual(['controlCenter']);
  const api = f.exposed.controlCenter;
  expect(Object.keys(api).sort()).toEqual([...methodNames, 'on'].sort());

  expect(await api.getConfig()).toEqual({ channel: ipcChannel('getConfig'), input: {} });
  expect(await api.scale({ minWorkers: 1, maxWorkers: 3 })).toEqual({ channel: ipcChannel('scale'), input: { minWorkers: 1, maxWorkers: 3 } });
  const failure = await api.submitTask({ data: 1 }).catch((e: unknown) => e);
  expect(failure).toMatchObject({ code: 'ERR_QUEUE_FULL', message: 'full' });
  expect(String(failure)).toBe('full');

  const seen: unknown[] = [];
  const off = api.on(eventNames[0], (p: unknown) => seen.push(p));
  f.emit(eventNames[0]!, { n: 1 });
  f.emit('not-an-event', { n: 2 });
  off();
  f.emit(eventNames[0]!, { n: 3 });
  expect(seen).toEqual([{ n: 1 }]);
  expect(() => api.on('bogus', () => {})).toThrow(/Unknown event/);
}

describe('preload bridge (source)', () => {
  it('exposes exactly the contract methods plus on(), unwraps envelopes and rejects with the error shape', async () => {
    const f = fakeElectron();
    vi.doMock('electron', () => f.electron);
    await import('./index');
    await checkBridge(f);
    vi.doUnmock('electron');
  });
});

describe('preload bundle (out/preload/index.cjs)', () => {
  const bundle = resolve(import.meta.dirname, '..', 'out', 'preload', 'index.cjs');
  const built = existsSync(bundle);
  const title = 'is self-contained CommonJS that needs nothing but electron';
  it.skipIf(!built)(built ? title : `${title} — SKIPPED: out/ not built here (run \`npm run build\`)`, async () => {
    const f = fakeElectron();
    const required: string[] = [];
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id === 'electron') return f.electron;
      throw new Error(`module not found: ${id} (a sandboxed preload cannot load it)`);
    };
    const module = { exports: {} };
    runInNewContext(
      readFileSync(bundle, 'utf8'),
      { require: sandboxRequire, module, exports: module.exports, console },
      { filename: join('out', 'preload', 'index.cjs') },
    );
    expect(required).toEqual(['electron']);
    await checkBridge(f);
  });
});
