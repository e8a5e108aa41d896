// Sandboxed preload (built as CommonJS): exposes the typed API as
// window.controlCenter and nothing else. Every method and event comes from
// the contract table, so there is no list here to keep in sync.
//
// A failed call rejects with the ApiErrorShape itself ({ code, message,
// issues?, details? }) — a plain object, because Error objects lose every
// property but `message` when they cross the context bridge. Its toString()
// gives the message, so String(error) reads well.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, eventNames, ipcChannel, methodNames } from '../common/contract';
import type { ControlCenterApi, EventName } from '../common/contract';

type Envelope = { ok: true; value: unknown } | { ok: false; error: unknown };
type Listener = (payload: unknown) => void;

const knownEvents: ReadonlySet<string> = new Set(eventNames);
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, name: string, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`controlCenter listener for "${name}" threw`, err);
    }
  }
});

function on(event: EventName, listener: Listener): () => void {
  if (!knownEvents.has(event)) throw new TypeError(`Unknown event "${String(event)}"`);
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
  return () => void set.delete(listener);
}

const api: Record<string, unknown> = { on };
for (const method of methodNames) {
  api[method] = async (input?: unknown) => {
    const envelope = (await ipcRenderer.invoke(ipcChannel(method), input ?? {})) as Envelope;
    if (envelope.ok) return envelope.value;
    // The bridge proxies functions, so String(error) still reads as the message.
    const error = envelope.error as { message?: string };
    throw Object.assign({}, error, { toString: () => String(error.message) });
  };
}

contextBridge.exposeInMainWorld('controlCenter', api as ControlCenterApi);
