// A2A tasks in the event log: every failure its own warn line, successes one line at once and
// the rest of each second as one summary (external-tasks.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogEvent } from '../../../common/contract';
import { ExternalTaskLog } from './external-tasks';

type Line = Omit<LogEvent, 'seq' | 'time'>;

let lines: Line[];
let log: ExternalTaskLog;

beforeEach(() => {
  vi.useFakeTimers();
  lines = [];
  log = new ExternalTaskLog((e) => lines.push(e), 1_000);
});
afterEach(() => vi.useRealTimers());

const ok = (latencyMs: number) => log.record({ source: 'a2a', ok: true, latencyMs, workerId: 'w1' });

describe('ExternalTaskLog', () => {
  it('logs every failure at once, at warn, with its message and worker', () => {
    for (const m of ['agent said no', 'ERR_CANCELLED: canceled'])
      log.record({ source: 'a2a', ok: false, latencyMs: 3.2, workerId: 'w2', message: m });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'a2a.request', level: 'warn', workerId: 'w2', data: { ok: false, door: 'a2a' } });
    expect(lines[0]!.message).toBe('A2A task failed after 3 ms on w2: agent said no');
    expect(lines[1]!.message).toContain('ERR_CANCELLED');
  });

  it('logs the first success at once and the rest of its second as one line when the second ends', () => {
    ok(10);
    expect(lines).toEqual([
      {
        type: 'a2a.request',
        level: 'debug',
        message: 'A2A task done in 10 ms on w1',
        workerId: 'w1',
        data: { ok: true, latencyMs: 10, door: 'a2a' },
      },
    ]);
    ok(2);
    ok(4);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 'debug', data: { ok: true, count: 2, latencyMs: 3, door: 'a2a' } });
    expect(lines[1]!.message).toBe('… and 2 more A2A tasks done in 1 s, 3 ms on average');
    ok(7); // a new second: logged at once again
    expect(lines.at(-1)!.message).toBe('A2A task done in 7 ms on w1');
  });

  it('adds no summary line for a second with a single success', () => {
    ok(1);
    vi.advanceTimersByTime(5_000);
    expect(lines).toHaveLength(1);
  });

  it('flush() logs the successes counted so far (the control plane stopping)', () => {
    ok(1);
    ok(1);
    log.flush();
    expect(lines.at(-1)!.data).toMatchObject({ count: 1 });
    vi.advanceTimersByTime(5_000);
    expect(lines).toHaveLength(2);
  });
});
