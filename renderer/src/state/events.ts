import { create } from 'zustand';
import type { LogEvent, LogLevel } from '../../../common/contract';
import { appendBounded } from '../lib/ring';

export const EVENTS_CAP = 2_000;
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

interface EventsState {
  events: LogEvent[]; // oldest first, bounded
  lastSeq: number;
  workerFilter: string; // '' = all
  levelFilter: LogLevel;
  paused: boolean;
  add(e: LogEvent | LogEvent[]): void;
  sync(recent: LogEvent[]): void;
  setWorkerFilter(w: string): void;
  setLevelFilter(l: LogLevel): void;
  setPaused(p: boolean): void;
  clear(): void;
}

export const useEvents = create<EventsState>()((set, get) => ({
  events: [],
  lastSeq: 0,
  workerFilter: '',
  levelFilter: 'debug',
  paused: false,
  add: (e) => {
    // a resync after reconnect may repeat events the stream already delivered
    const fresh = (Array.isArray(e) ? e : [e]).filter((x) => x.seq > get().lastSeq).sort((a, b) => a.seq - b.seq);
    if (!fresh.length) return;
    set({ events: appendBounded(get().events, fresh, EVENTS_CAP), lastSeq: fresh[fresh.length - 1]!.seq });
  },
  // After a reconnect. A host that restarted numbers its events from 1 again,
  // so the same seq can name a different event: then the host's list replaces ours.
  sync: (recent) => {
    const have = new Map(get().events.map((e) => [e.seq, e]));
    const newest = recent.reduce((m, e) => Math.max(m, e.seq), 0);
    const restarted =
      (recent.length > 0 && newest < get().lastSeq) ||
      recent.some((e) => {
        const h = have.get(e.seq);
        return h !== undefined && (h.time !== e.time || h.message !== e.message);
      });
    if (!restarted) return get().add(recent);
    set({ events: [...recent].sort((a, b) => a.seq - b.seq).slice(-EVENTS_CAP), lastSeq: newest });
  },
  setWorkerFilter: (workerFilter) => set({ workerFilter }),
  setLevelFilter: (levelFilter) => set({ levelFilter }),
  setPaused: (paused) => set({ paused }),
  clear: () => set({ events: [] }),
}));

export function filterEvents(events: readonly LogEvent[], worker: string, level: LogLevel): LogEvent[] {
  const min = LEVELS.indexOf(level);
  return events.filter((e) => LEVELS.indexOf(e.level) >= min && (!worker || e.workerId === worker));
}
