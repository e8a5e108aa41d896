import { create } from 'zustand';
import type { LoadStatus, TaskProgress, TaskResult } from '../../../common/contract';
import { api, errorText } from './api';

export interface LoadForm {
  rate: number;
  count: number;
  sleepMs: number;
  failureRate: number;
  payloadBytes: number;
}

// The form as typed (strings, so a half-typed value survives), kept here rather than in the
// component so it outlives leaving the view while a run goes on.
export type LoadFormText = Record<keyof LoadForm, string>;
const FORM_DEFAULTS: LoadFormText = { rate: '50', count: '1000', sleepMs: '20', failureRate: '0', payloadBytes: '0' };
const PROGRESS_EVERY_MS = 1_000;

interface LoadState {
  status: LoadStatus | null;
  form: LoadFormText;
  task: TaskResult | null;
  taskError: string | null;
  sending: boolean;
  /** What the pending task is waiting on (polled while sending). */
  taskProgress: TaskProgress | null;
  setFormField(key: keyof LoadForm, value: string): void;
  loadError: string | null;
  setStatus(s: LoadStatus): void;
  sendTask(data: unknown, timeoutMs?: number): Promise<void>;
  start(f: LoadForm): Promise<void>;
  stop(): Promise<void>;
}

export const useLoad = create<LoadState>()((set) => ({
  status: null,
  form: { ...FORM_DEFAULTS },
  task: null,
  taskError: null,
  sending: false,
  taskProgress: null,
  loadError: null,
  setStatus: (status) => set({ status }),
  setFormField: (key, value) => set((s) => ({ form: { ...s.form, [key]: value } })),
  sendTask: async (data, timeoutMs) => {
    const trackId = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    set({ sending: true, taskError: null, taskProgress: null });
    const poll = setInterval(() => {
      api()
        .getTaskProgress({ trackId })
        .then(
          (p) => useLoad.getState().sending && set({ taskProgress: p }),
          () => undefined, // a hint only: the task's own answer reports any failure
        );
    }, PROGRESS_EVERY_MS);
    try {
      const task = await api().submitTask(timeoutMs ? { data, timeoutMs, trackId } : { data, trackId });
      set({ task, sending: false, taskProgress: null });
    } catch (err) {
      const code = (err as { code?: string }).code;
      // an agent's exception comes with its Python traceback: shown below the message, lines intact
      const tb = (err as { details?: { traceback?: unknown } }).details?.traceback;
      const text = code ? `${code}: ${errorText(err)}` : errorText(err);
      set({ sending: false, task: null, taskProgress: null, taskError: typeof tb === 'string' && tb.trim() ? `${text}\n\n${tb.trimEnd()}` : text });
    } finally {
      clearInterval(poll);
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
