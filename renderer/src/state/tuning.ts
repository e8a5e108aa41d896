// Tuning assistant: the host's experiments (newest first, kept in step by
// tuning.progress events), the one selected, and applying a recommendation
// through the same preview → diff → apply path as the Configuration view.
import { create } from 'zustand';
import type { ConfigPreview, ConfigUpdateResult, Experiment, ExperimentSpec, SnapshotFile } from '../../../common/contract';
import { api, errorText } from './api';
import { useConfig } from './config';

export const EXPERIMENTS_CAP = 20; // the host keeps as many

interface TuningState {
  experiments: Experiment[];
  selectedId: string | null;
  starting: boolean;
  error: string | null;
  preview: ConfigPreview | null; // of the selected experiment's recommendation
  applying: boolean;
  applied: ConfigUpdateResult | null;
  file: SnapshotFile | null; // the last export
  setAll(list: Experiment[]): void;
  upsert(exp: Experiment): void;
  select(id: string): void;
  load(): Promise<void>;
  start(spec: ExperimentSpec): Promise<void>;
  cancel(id: string): Promise<void>;
  previewRecommendation(): Promise<void>;
  applyRecommendation(): Promise<void>;
  dismissPreview(): void;
  exportAs(format: 'json' | 'csv' | 'html'): Promise<SnapshotFile | null>;
}

export const selectedExperiment = (s: Pick<TuningState, 'experiments' | 'selectedId'>): Experiment | undefined =>
  s.experiments.find((e) => e.id === s.selectedId) ?? s.experiments[0];

export const useTuning = create<TuningState>()((set, get) => ({
  experiments: [],
  selectedId: null,
  starting: false,
  error: null,
  preview: null,
  applying: false,
  applied: null,
  file: null,
  setAll: (experiments) => set({ experiments: experiments.slice(0, EXPERIMENTS_CAP) }),
  upsert: (exp) => {
    const rest = get().experiments.filter((e) => e.id !== exp.id);
    const known = rest.length < get().experiments.length;
    // an update keeps its place; a new experiment goes first
    const experiments = known ? get().experiments.map((e) => (e.id === exp.id ? exp : e)) : [exp, ...rest].slice(0, EXPERIMENTS_CAP);
    set({ experiments });
  },
  select: (selectedId) => set({ selectedId, preview: null, applied: null, file: null }),
  load: async () => {
    try {
      get().setAll(await api().listExperiments({}));
    } catch (err) {
      set({ error: errorText(err) });
    }
  },
  start: async (spec) => {
    set({ starting: true, error: null, preview: null, applied: null, file: null });
    try {
      const exp = await api().startExperiment({ spec });
      get().upsert(exp);
      set({ selectedId: exp.id, starting: false });
    } catch (err) {
      const issues = (err as { issues?: { path: string; message: string }[] }).issues;
      set({ starting: false, error: issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : errorText(err) });
    }
  },
  cancel: async (id) => {
    try {
      get().upsert(await api().cancelExperiment({ id }));
    } catch (err) {
      set({ error: errorText(err) });
    }
  },
  previewRecommendation: async () => {
    const rec = selectedExperiment(get())?.recommendation;
    if (!rec || Object.keys(rec.patch.pool).length === 0) return;
    set({ error: null, applied: null });
    try {
      set({ preview: await api().previewConfig({ patch: rec.patch }) });
    } catch (err) {
      set({ error: errorText(err) });
    }
  },
  applyRecommendation: async () => {
    const rec = selectedExperiment(get())?.recommendation;
    if (!rec || !get().preview) return;
    set({ applying: true, error: null });
    try {
      const applied = await api().updateConfig({ patch: rec.patch });
      useConfig.getState().setConfig(applied.config);
      set({ applied, applying: false, preview: null });
    } catch (err) {
      set({ applying: false, error: errorText(err) });
    }
  },
  dismissPreview: () => set({ preview: null }),
  exportAs: async (format) => {
    const exp = selectedExperiment(get());
    if (!exp) return null;
    try {
      const file = await api().exportExperiment({ id: exp.id, format });
      set({ file });
      return file;
    } catch (err) {
      set({ error: errorText(err) });
      return null;
    }
  },
}));
