import { create } from 'zustand';
import type { Alert, AlertsView } from '../../../common/contract';
import type { AlertThresholds } from '../../../common/schemas';

export const ALERT_HISTORY_CAP = 200;

interface AlertsState {
  active: Alert[];
  history: Alert[]; // newest first
  thresholds: AlertThresholds | null;
  setView(v: AlertsView): void;
  setThresholds(t: AlertThresholds): void;
  raised(a: Alert): void;
  cleared(a: Alert): void;
}

const bySeverity = (a: Alert, b: Alert) => (a.severity === b.severity ? b.raisedAt - a.raisedAt : a.severity === 'critical' ? -1 : 1);

export const useAlerts = create<AlertsState>()((set, get) => ({
  active: [],
  history: [],
  thresholds: null,
  setView: (v) => set({ active: [...v.active].sort(bySeverity), history: v.history.slice(0, ALERT_HISTORY_CAP), thresholds: v.thresholds }),
  setThresholds: (thresholds) => set({ thresholds }),
  raised: (a) => set({ active: [...get().active.filter((x) => x.id !== a.id), a].sort(bySeverity) }),
  cleared: (a) =>
    set({
      active: get().active.filter((x) => x.id !== a.id),
      history: [a, ...get().history.filter((x) => !(x.id === a.id && x.raisedAt === a.raisedAt))].slice(0, ALERT_HISTORY_CAP),
    }),
}));
