import { create } from 'zustand';
import type { LogEvent, LogLevel } from '../../../preload/contract';
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
  setWorkerFilter: (workerFilter) => set({ workerFilter }),
  setLevelFilter: (levelFilter) => set({ levelFilter }),
  setPaused: (paused) => set({ paused }),
  clear: () => set({ events: [] }),
}));

export function filterEvents(events: readonly LogEvent[], worker: string, level: LogLevel): LogEvent[] {
  const min = LEVELS.indexOf(level);
  return events.filter((e) => LEVELS.indexOf(e.level) >= min && (!worker || e.workerId === worker));
}
