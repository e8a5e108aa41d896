import { create } from 'zustand';
import type { AppInfo } from '../../../common/contract';

export type ConnectionStatus = 'connecting' | 'connected' | 'lost';

interface ConnectionState {
  mode: 'electron' | 'headless' | null;
  status: ConnectionStatus;
  detail?: string;
  lostAt?: number;
  restoredAt?: number; // set on lost → connected; the banner shows it briefly
  appInfo: AppInfo | null;
  unauthorized: boolean;
  setUnauthorized(u: boolean): void;
  setMode(mode: 'electron' | 'headless'): void;
  setLink(link: 'connecting' | 'open' | 'lost' | 'unauthorized', detail?: string, now?: number): void;
  setAppInfo(info: AppInfo): void;
}

export const useConnection = create<ConnectionState>()((set, get) => ({
  mode: null,
  status: 'connecting',
  appInfo: null,
  unauthorized: false,
  setUnauthorized: (unauthorized) => set({ unauthorized }),
  setMode: (mode) => set({ mode }),
  setLink: (link, detail, now = Date.now()) => {
    const prev = get().status;
    // The server answers but refuses the token: say so at once (the banner tells how to get in).
    if (link === 'unauthorized') return set({ unauthorized: true, status: 'lost', detail, lostAt: prev === 'lost' ? get().lostAt : now });
    if (link === 'open') set({ status: 'connected', detail, unauthorized: false, restoredAt: prev === 'lost' ? now : get().restoredAt });
    else if (link === 'lost') set({ status: 'lost', detail, lostAt: prev === 'lost' ? get().lostAt : now });
    else if (prev !== 'lost') set({ status: 'connecting', detail });
  },
  setAppInfo: (appInfo) => set({ appInfo }),
}));
