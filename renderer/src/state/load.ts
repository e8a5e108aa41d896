import { create } from 'zustand';
import type { LoadStatus, TaskResult } from '../../../common/contract';
import { api, errorText } from './api';

export interface LoadForm {
  rate: number;
  count: number;
  sleepMs: number;
  failureRate: number;
  payloadBytes: number;
}

interface LoadState {
  status: LoadStatus | null;
  task: TaskResult | null;
  taskError: string | null;
  sending: boolean;
  loadError: string | null;
  setStatus(s: LoadStatus): void;
  sendTask(data: unknown, timeoutMs?: number): Promise<void>;
  start(f: LoadForm): Promise<void>;
  stop(): Promise<void>;
}

export const useLoad = create<LoadState>()((set) => ({
  status: null,
  task: null,
  taskError: null,
  sending: false,
  loadError: null,
  setStatus: (status) => set({ status }),
  sendTask: async (data, timeoutMs) => {
    set({ sending: true, taskError: null });
    try {
      const task = await api().submitTask(timeoutMs ? { data, timeoutMs } : { data });
      set({ task, sending: false });
    } catch (err) {
      const code = (err as { code?: string }).code;
      set({ sending: false, task: null, taskError: code ? `${code}: ${errorText(err)}` : errorText(err) });
    }
  },
  start: async (f) => {
    set({ loadError: null });
    try {
      set({ status: await api().startLoad(f) });
    } catch (err) {
      set({ loadError: errorText(err) });
    }
  },
  stop: async () => {
    try {
      set({ status: await api().stopLoad({}) });
    } catch (err) {
      set({ loadError: errorText(err) });
    }
  },
}));
