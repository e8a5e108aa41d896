// The transport is chosen once at start: the Electron preload's bridge when
// present, else HTTP to the headless server this page was served from.
import type { ControlCenterApi } from '../../../common/contract';
import { createHttpTransport, takeToken, type LinkState } from './http';

declare global {
  interface Window {
    controlCenter?: ControlCenterApi;
  }
}

export interface Transport {
  mode: 'electron' | 'headless';
  api: ControlCenterApi;
  onLink(listener: (state: LinkState, detail?: string) => void): () => void;
  tokenMissing?: boolean;
}

export function pickTransport(onArrival?: (method: string) => void): Transport {
  if (window.controlCenter) {
    const api = window.controlCenter;
    // IPC to our own host process cannot drop; the link is always open.
    return { mode: 'electron', api, onLink: (l) => (l('open'), () => {}) };
  }
  const token = takeToken(window.location, window.sessionStorage, window.history);
  // A new #token=… typed into the address bar changes only the hash (no reload): start over with it.
  window.addEventListener('hashchange', () => {
    if (/(?:^#|&)token=/.test(window.location.hash)) window.location.reload();
  });
  const t = createHttpTransport({ token: token ?? '', onArrival });
  return { mode: 'headless', api: t.api, onLink: t.onLink, tokenMissing: !token };
}
