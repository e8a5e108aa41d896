// Electron IPC for the typed API: ONE generic loop registers every contract
// method. Each call is checked (our window's main frame, our app origin),
// parsed with the contract's schema and answered with an envelope, because
// an Error thrown through ipcMain.handle loses its `code` on the way.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, ipcChannel, methodNames } from '../common/contract';
import type { ApiHandlers } from '../common/contract';
import { dispatch, onEveryEvent, type ApiHost, type Envelope } from './transport/dispatch';

export interface IpcOptions {
  /** The one window allowed to call; null while none is open. */
  getWindow(): BrowserWindow | null;
  /** True for our renderer's URL: app://renderer/ (the built bundle) or the dev server's origin; never file://. */
  isAppUrl(url: string): boolean;
  /** Handlers to call instead of the control plane's (the shell wraps exportSnapshot). */
  handlers?: ApiHandlers;
}

const forbidden = (why: string): Envelope => ({ ok: false, error: { code: 'ERR_FORBIDDEN', message: `IPC call refused: ${why}` } });

/** Why a sender is refused, or null when it is our window's main frame showing our app. */
export function senderProblem(event: IpcMainInvokeEvent, opts: IpcOptions): string | null {
  const win = opts.getWindow();
  if (!win || win.isDestroyed()) return 'no application window';
  if (event.sender !== win.webContents) return 'sender is not the application window';
  const frame = event.senderFrame;
  const main = win.webContents.mainFrame;
  if (!frame || frame.processId !== main.processId || frame.routingId !== main.routingId) return 'sender is not the main frame';
  if (!opts.isAppUrl(frame.url)) return `origin not allowed: ${frame.url}`;
  return null;
}

/** Registers every contract method and forwards every event; returns the undo. */
export function registerIpc(host: ApiHost, opts: IpcOptions): () => void {
  const handlers = opts.handlers ?? host.handlersFor?.('desktop') ?? host.handlers;
  for (const method of methodNames) {
    ipcMain.handle(ipcChannel(method), (event, raw: unknown) => {
      const problem = senderProblem(event, opts);
      return problem ? forbidden(problem) : dispatch(handlers, method, raw);
    });
  }
  const off = onEveryEvent(host, (name, payload) => {
    const win = opts.getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });
  return () => {
    off();
    for (const method of methodNames) ipcMain.removeHandler(ipcChannel(method));
  };
}
