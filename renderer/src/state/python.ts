import { create } from 'zustand';
import type { PythonEnvReport, PythonSetupProgress } from '../../../common/contract';
import { api, errorText } from './api';

interface PythonState {
  report: PythonEnvReport | null;
  progress: PythonSetupProgress | null;
  busy: 'check' | 'setup' | null;
  error: string | null;
  setProgress(p: PythonSetupProgress): void;
  check(pythonPath?: string): Promise<void>;
  setup(): Promise<void>;
}

export const usePython = create<PythonState>()((set) => ({
  report: null,
  progress: null,
  busy: null,
  error: null,
  setProgress: (progress) => set({ progress }),
  check: async (pythonPath) => {
    set({ busy: 'check', error: null });
    try {
      set({ report: await api().checkPythonEnv(pythonPath ? { pythonPath } : {}), busy: null });
    } catch (err) {
      set({ busy: null, error: errorText(err) });
    }
  },
  setup: async () => {
    set({ busy: 'setup', error: null, progress: null });
    try {
      set({ report: await api().setupPythonEnv({}), busy: null });
    } catch (err) {
      set({ busy: null, error: errorText(err) });
    }
  },
}));
