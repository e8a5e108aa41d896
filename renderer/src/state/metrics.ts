// Live samples (bounded ring) plus the history of the selected range.
import { create } from 'zustand';
import type { MetricsSample } from '../../../common/contract';
import { appendBounded } from '../lib/ring';
import { api, errorText } from './api';

export const LIVE_CAP = 3_600; // one hour at the default 1 s sampling

export const RANGES = [
  { label: '5 min', ms: 5 * 60_000 },
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '6 h', ms: 6 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
  { label: '7 days', ms: 7 * 24 * 3_600_000 },
] as const;

interface MetricsState {
  live: MetricsSample[];
  rangeMs: number;
  history: MetricsSample[];
  resolutionMs: number;
  historyVersion: number; // bumps on every history arrival; the charts view marks its render against it
  loading: boolean;
  error: string | null;
  addSample(s: MetricsSample): void;
  seedLive(samples: readonly MetricsSample[]): void;
  setHistory(samples: MetricsSample[], resolutionMs: number, rangeMs: number): void;
  setRange(rangeMs: number): Promise<void>;
  loadHistory(): Promise<void>;
}

export const useMetrics = create<MetricsState>()((set, get) => ({
  live: [],
  rangeMs: RANGES[0].ms,
  history: [],
  resolutionMs: 1000,
  historyVersion: 0,
  loading: false,
  error: null,
  addSample: (s) => set({ live: appendBounded(get().live, s, LIVE_CAP) }),
  // a page opened mid-run starts with the recent past, not an empty ring
  seedLive: (samples) => {
    const live = get().live;
    const firstT = live[0]?.t ?? Infinity;
    const older = samples.filter((s) => s.t < firstT);
    if (older.length) set({ live: appendBounded(older, live, LIVE_CAP) });
  },
  setHistory: (history, resolutionMs, rangeMs) => {
    if (rangeMs !== get().rangeMs) return; // an answer for a range the operator already left
    set({ history, resolutionMs, loading: false, error: null, historyVersion: get().historyVersion + 1 });
  },
  setRange: async (rangeMs) => {
    set({ rangeMs });
    await get().loadHistory();
  },
  loadHistory: async () => {
    const rangeMs = get().rangeMs;
    set({ loading: true });
    try {
      // the whole range; the renderer downsamples per series (LTTB) itself
      const h = await api().getMetricsHistory({ rangeMs });
      performance.mark('gcc:history-arrived');
      get().setHistory(h.samples, h.resolutionMs, rangeMs);
      if (rangeMs <= 3_600_000 && h.resolutionMs <= 1000) get().seedLive(h.samples);
    } catch (err) {
      if (rangeMs === get().rangeMs) set({ loading: false, error: errorText(err) });
    }
  },
}));
