import { create } from 'zustand';

export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'workers', label: 'Workers' },
  { id: 'hosts', label: 'Hosts' },
  { id: 'charts', label: 'Charts' },
  { id: 'tuning', label: 'Tuning' },
  { id: 'config', label: 'Configuration' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'events', label: 'Event log' },
  { id: 'console', label: 'Tasks & load' },
  { id: 'export', label: 'Export' },
  { id: 'python', label: 'Python' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

interface UiState {
  view: ViewId;
  setView(v: ViewId): void;
}

const saved = (): ViewId => {
  try {
    const v = sessionStorage.getItem('gcc.view');
    return VIEWS.some((x) => x.id === v) ? (v as ViewId) : 'overview';
  } catch {
    return 'overview';
  }
};

export const useUi = create<UiState>()((set) => ({
  view: saved(),
  setView: (view) => {
    try {
      sessionStorage.setItem('gcc.view', view);
    } catch {
      /* storage may be unavailable (private mode); the view just is not remembered */
    }
    set({ view });
  },
}));
