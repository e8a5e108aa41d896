import { useMemo, useState } from 'react';
import type { LogLevel } from '../../../common/contract';
import { formatTime } from '../lib/format';
import { filterEvents, useEvents } from '../state/events';
import { useStats } from '../state/stats';

const SHOWN = 500; // DOM rows; the store keeps more, the filter picks from all of them

export function EventsView() {
  const events = useEvents((s) => s.events);
  const worker = useEvents((s) => s.workerFilter);
  const level = useEvents((s) => s.levelFilter);
  const paused = useEvents((s) => s.paused);
  const [open, setOpen] = useState<number | null>(null); // seq of the event whose details are shown
  const { setWorkerFilter, setLevelFilter, setPaused, clear } = useEvents.getState();
  const liveIds = useStats((s) => s.stats?.workers.map((w) => w.id).join(','));
  // while paused the list stays as it was; the store keeps receiving
  const frozen = useMemo(() => events, [paused]);
  const source = paused ? frozen : events;
  const workerIds = useMemo(() => {
    const ids = new Set((liveIds ?? '').split(',').filter(Boolean));
    for (const e of events) if (e.workerId) ids.add(e.workerId);
    return [...ids].sort();
  }, [events, liveIds]);
  const shown = useMemo(() => filterEvents(source, worker, level).slice(-SHOWN).reverse(), [source, worker, level]);
  return (
    <div className="stack">
      <div className="row">
        <h2 style={{ margin: 0 }}>Event log</h2>
        <label htmlFor="ev-worker">Worker</label>
        <select id="ev-worker" data-testid="events-worker" value={worker} onChange={(e) => setWorkerFilter(e.target.value)}>
          <option value="">All workers</option>
          {workerIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <label htmlFor="ev-level">Level</label>
        <select id="ev-level" data-testid="events-level" value={level} onChange={(e) => setLevelFilter(e.target.value as LogLevel)}>
          <option value="debug">debug and above</option>
          <option value="info">info and above</option>
          <option value="warn">warn and above</option>
          <option value="error">error only</option>
        </select>
        <button className="btn" aria-pressed={paused} data-testid="events-pause" onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button className="btn" onClick={clear}>
          Clear
        </button>
        <span className="muted">
          {shown.length} shown of {events.length} kept, newest first
        </span>
      </div>
      <div className="log mono" data-testid="events-list" role="log" aria-live="off">
        {shown.map((e) => (
          <div key={e.seq}>
            <div
              className={`line lvl-${e.level}${e.data ? ' has-data' : ''}`}
              data-testid="event-line"
              data-type={e.type}
              data-level={e.level}
              data-worker={e.workerId ?? ''}
              role={e.data ? 'button' : undefined}
              tabIndex={e.data ? 0 : undefined}
              aria-expanded={e.data ? open === e.seq : undefined}
              onClick={() => e.data && setOpen(open === e.seq ? null : e.seq)}
              onKeyDown={(k) => e.data && (k.key === 'Enter' || k.key === ' ') && (k.preventDefault(), setOpen(open === e.seq ? null : e.seq))}
            >
              <span>{formatTime(e.time)}</span>
              <span>{e.level}</span>
              <span>{e.workerId ?? ''}</span>
              <span>{e.type}</span>
              <span className="msg">{e.message}</span>
            </div>
            {open === e.seq && e.data && (
              <pre className="event-data" data-testid="event-data">
                {JSON.stringify(e.data, null, 2)}
              </pre>
            )}
          </div>
        ))}
        {!shown.length && (
          <div className="empty" data-testid="events-empty">
            {events.length
              ? 'No events match these filters. Choose All workers and “debug and above” to see every event.'
              : 'No events yet. Pool events and worker output appear here as they happen.'}
          </div>
        )}
      </div>
    </div>
  );
}
