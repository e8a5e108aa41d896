// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert, LogEvent } from '../../../common/contract';
import { defaultConfig } from '../../../common/schemas';
import { makeSamples } from '../../../common/test-support/samples';
import { ALERT_HISTORY_CAP, useAlerts } from './alerts';
import { sectionCheck, useConfig } from './config';
import { useConnection } from './connection';
import { EVENTS_CAP, filterEvents, useEvents } from './events';
import { LIVE_CAP, useMetrics } from './metrics';
import { poolPhase } from './stats';

const alert = (id: string, severity: Alert['severity'], raisedAt: number, clearedAt?: number): Alert => ({
  id,
  kind: 'errorRate',
  severity,
  message: id,
  value: 1,
  threshold: 1,
  raisedAt,
  clearedAt,
});
const ev = (seq: number, level: LogEvent['level'] = 'info', workerId?: string): LogEvent => ({
  seq,
  time: seq,
  type: 'worker.output',
  level,
  workerId,
  message: `m${seq}`,
});

describe('metrics store', () => {
  it('keeps at most LIVE_CAP live samples, dropping the oldest', () => {
    useMetrics.setState({ live: [] });
    for (const s of makeSamples(LIVE_CAP + 10)) useMetrics.getState().addSample(s);
    const live = useMetrics.getState().live;
    expect(live).toHaveLength(LIVE_CAP);
    expect(live[0]!.t).toBe(makeSamples(11)[10]!.t);
  });

  it('seeds the live ring with history older than its first sample', () => {
    const all = makeSamples(10);
    useMetrics.setState({ live: all.slice(6) });
    useMetrics.getState().seedLive(all.slice(0, 8)); // overlaps the live part: no duplicates
    expect(useMetrics.getState().live.map((s) => s.t)).toEqual(all.map((s) => s.t));
  });

  it('ignores a history answer for a range the operator already left', () => {
    useMetrics.setState({ rangeMs: 3_600_000, history: [], historyVersion: 0 });
    useMetrics.getState().setHistory(makeSamples(3), 1000, 300_000);
    expect(useMetrics.getState().history).toEqual([]);
    useMetrics.getState().setHistory(makeSamples(3), 1000, 3_600_000);
    expect(useMetrics.getState().history).toHaveLength(3);
    expect(useMetrics.getState().historyVersion).toBe(1);
  });
});

describe('alerts store', () => {
  beforeEach(() => useAlerts.setState({ active: [], history: [], thresholds: null }));

  it('lists critical alerts before warnings and replaces a re-raised alert', () => {
    const s = useAlerts.getState();
    s.raised(alert('queueFill', 'warning', 1));
    s.raised(alert('errorRate', 'critical', 2));
    s.raised(alert('queueFill', 'warning', 3));
    expect(useAlerts.getState().active.map((a) => [a.id, a.raisedAt])).toEqual([
      ['errorRate', 2],
      ['queueFill', 3],
    ]);
  });

  it('moves a cleared alert from active to the front of the bounded history', () => {
    useAlerts.setState({ history: Array.from({ length: ALERT_HISTORY_CAP }, (_, i) => alert(`old${i}`, 'warning', i, i + 1)) });
    useAlerts.getState().raised(alert('errorRate', 'critical', 5));
    useAlerts.getState().cleared(alert('errorRate', 'critical', 5, 9));
    const st = useAlerts.getState();
    expect(st.active).toEqual([]);
    expect(st.history[0]).toMatchObject({ id: 'errorRate', clearedAt: 9 });
    expect(st.history).toHaveLength(ALERT_HISTORY_CAP);
  });
});

describe('events store', () => {
  beforeEach(() => useEvents.setState({ events: [], lastSeq: 0 }));

  it('drops events it already has (resync after reconnect) and stays bounded', () => {
    const s = useEvents.getState();
    s.add([ev(1), ev(2)]);
    s.add([ev(2), ev(3)]);
    expect(useEvents.getState().events.map((e) => e.seq)).toEqual([1, 2, 3]);
    s.add(Array.from({ length: EVENTS_CAP + 5 }, (_, i) => ev(i + 4)));
    expect(useEvents.getState().events).toHaveLength(EVENTS_CAP);
    expect(useEvents.getState().lastSeq).toBe(EVENTS_CAP + 8);
  });

  it('after a reconnect, a host that restarted its numbering replaces the log', () => {
    const s = useEvents.getState();
    s.add([ev(40), ev(41)]);
    s.sync([ev(41), ev(42)]); // same host: only the new one is added
    expect(useEvents.getState().events.map((e) => e.seq)).toEqual([40, 41, 42]);
    s.sync([ev(1), ev(2)]); // restarted host, fewer events so far
    expect(useEvents.getState().events.map((e) => e.seq)).toEqual([1, 2]);
    s.add(ev(3));
    expect(useEvents.getState().lastSeq).toBe(3);
    // restarted host that already caught up: same seq, different event
    s.sync([{ ...ev(2), message: 'other host', time: 999 }, ev(3), ev(4)]);
    expect(useEvents.getState().events.map((e) => e.message)).toEqual(['other host', 'm3', 'm4']);
  });

  it('filters by worker and by minimum level', () => {
    const list = [ev(1, 'debug', 'w-1'), ev(2, 'warn', 'w-1'), ev(3, 'error', 'w-2'), ev(4, 'info')];
    expect(filterEvents(list, '', 'warn').map((e) => e.seq)).toEqual([2, 3]);
    expect(filterEvents(list, 'w-1', 'debug').map((e) => e.seq)).toEqual([1, 2]);
  });
});

describe('connection store', () => {
  it('goes connecting → connected → lost → connected, noting when it was restored', () => {
    useConnection.setState({ status: 'connecting', lostAt: undefined, restoredAt: undefined });
    const c = () => useConnection.getState();
    c().setLink('open', undefined, 1);
    expect(c().status).toBe('connected');
    expect(c().restoredAt).toBeUndefined();
    c().setLink('lost', undefined, 10);
    c().setLink('connecting', undefined, 11); // the browser retrying does not hide "lost"
    expect(c()).toMatchObject({ status: 'lost', lostAt: 10 });
    c().setLink('open', undefined, 20);
    expect(c()).toMatchObject({ status: 'connected', restoredAt: 20 });
  });
});

describe('config store', () => {
  it('validates the draft as the operator types and keeps edits across server updates', () => {
    const config = defaultConfig();
    useConfig.setState({ config: null, draft: {} });
    useConfig.getState().setConfig(config);
    useConfig.getState().setField('pool.maxWorkers', '99');
    expect(useConfig.getState().check.errors['pool.maxWorkers']).toBeDefined();
    // a config.changed event from the host must not wipe the operator's edit
    useConfig.getState().setConfig({ ...config, pool: { ...config.pool, timeout: 1234 } });
    expect(useConfig.getState().draft['pool.maxWorkers']).toBe('99');
    expect(sectionCheck(useConfig.getState().check, 'alerts').valid).toBe(true);
    expect(sectionCheck(useConfig.getState().check, 'pool').valid).toBe(false);
    useConfig.getState().reset();
    expect(useConfig.getState().draft['pool.timeout']).toBe('1234');
    expect(useConfig.getState().check.changed).toEqual([]);
  });
});

describe('pool phase', () => {
  const base = { total: 2, healthy: 2, starting: 0, startError: undefined } as never;
  it('names the state the banner shows', () => {
    expect(poolPhase(null)).toBe('connecting');
    expect(poolPhase({ ...(base as object), healthy: 0, startError: 'ModuleNotFoundError: greenlet' } as never)).toBe('python-problem');
    expect(poolPhase({ ...(base as object), healthy: 0, starting: 2 } as never)).toBe('starting');
    expect(poolPhase({ ...(base as object), healthy: 0 } as never)).toBe('no-healthy');
    expect(poolPhase(base)).toBe('running');
  });
});
