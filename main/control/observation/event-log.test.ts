import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../common/contract';
import { EventLog } from './event-log';

function fill(log: EventLog, n: number) {
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  for (let i = 0; i < n; i++) {
    log.append({ time: i, type: 'worker.output', level: levels[i % 4]!, workerId: `w-${i % 2}`, message: `line ${i}` });
  }
}

describe('EventLog', () => {
  it('numbers events and keeps only the newest `capacity`', () => {
    const seen: LogEvent[] = [];
    const log = new EventLog(10, (e) => seen.push(e));
    fill(log, 25);
    const all = log.query();
    expect(all).toHaveLength(10);
    expect(all.map((e) => e.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(seen).toHaveLength(25);
  });

  it('filters by worker and minimum level', () => {
    const log = new EventLog(100);
    fill(log, 20);
    const warnW1 = log.query({ workerId: 'w-1', level: 'warn' });
    expect(warnW1.every((e) => e.workerId === 'w-1' && (e.level === 'warn' || e.level === 'error'))).toBe(true);
    expect(warnW1.map((e) => e.message)).toEqual(['line 3', 'line 7', 'line 11', 'line 15', 'line 19']);
    expect(log.query({ level: 'error' })).toHaveLength(5);
  });

  it('tails with afterSeq from the oldest unseen line; limit alone gives the newest', () => {
    const log = new EventLog(100);
    fill(log, 20);
    expect(log.query({ afterSeq: 5, limit: 3 }).map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(log.query({ limit: 3 }).map((e) => e.seq)).toEqual([18, 19, 20]);
    expect(log.query({ afterSeq: 20 })).toEqual([]);
  });
});
