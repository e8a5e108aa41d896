// Records from the broker are parsed, never trusted; junk is counted every time and logged at
// most once per interval per source, with the count since the last line.
import { describe, expect, it } from 'vitest';
import { readAnswer } from './envelope';
import { isResult, Junk, memberResultSchema, readHostRecord, resultRecordSchema } from './records';

const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('records read from the broker', () => {
  it('a result is taken when it has the shape, and a failed one must carry its error', () => {
    const junk = new Junk(() => undefined);
    expect(readAnswer(bytes({ ok: true, result: [1], hostId: 'h', delivery: 1, extra: 'kept' }), junk, 'k')).toMatchObject({
      kind: 'one',
      rec: { ok: true, result: [1], extra: 'kept' },
    });
    expect(readAnswer(bytes({ ok: false, hostId: 'h', delivery: 1 }), junk, 'k')).toBeNull();
    expect(readAnswer(bytes({ ok: true, hostId: 'h', delivery: 0 }), junk, 'k')).toBeNull();
    expect(readHostRecord(bytes('{"hostId":'), junk, 'k')).toBeNull();
    expect(junk.counts).toMatchObject({ results: 2, hosts: 1 });
  });

  it('the fast result check takes exactly what the schema takes, field by field', () => {
    const good = { ok: true, result: 1, hostId: 'h', delivery: 1, workerId: 'w', runMs: 2 };
    const variants: unknown[] = [null, [], 'x', 1, good, { ...good, extra: [1] }];
    const bad: Record<string, unknown[]> = {
      ok: [undefined, 1, 'true', null],
      hostId: [undefined, 1, null],
      delivery: [undefined, 0, -1, 1.5, '1', null],
      workerId: [1, null],
      runMs: ['1', null],
      error: [
        null,
        'x',
        [],
        {},
        { code: '', message: 'm' },
        { code: 'E', message: 1 },
        { code: 'E', message: 'm' },
        { code: 'E', message: 'm', details: [1] },
      ],
    };
    for (const [k, vs] of Object.entries(bad)) for (const v of vs) variants.push({ ...good, [k]: v }, { ...good, ok: false, [k]: v });
    for (const v of variants) {
      expect(isResult(v), JSON.stringify(v)).toBe(resultRecordSchema.safeParse(v).success);
      expect(isResult(v, true), JSON.stringify(v)).toBe(memberResultSchema.safeParse(v).success);
    }
  });

  it("a host record's counters (outcomes, latency, pool available/busy) are checked by the schema: the wrong shape makes it junk", () => {
    const junk = new Junk(() => undefined);
    const rec = {
      hostId: 'h1',
      pid: 1,
      state: 'up',
      startedAt: 1,
      time: 2,
      capacity: 8,
      inFlight: 0,
      processed: 3,
      duplicates: 0,
      naks: 0,
      terms: 0,
      throughput: 0,
      outcomes: { answered: 3, agentError: 0, timedOut: 0, rejected: 0, cancelled: 0 },
      latency: { boundsMs: [1, 5], counts: [1, 2, 0], sumMs: 7, count: 3 },
      pool: { total: 1, healthy: 1, available: 1, busy: 0, p50ResponseTime: 0, p99ResponseTime: 0, totalErrors: 0 },
      workers: [],
    };
    expect(readHostRecord(bytes(rec), junk, 'k')).toMatchObject({ outcomes: { answered: 3 }, latency: { count: 3 } });
    const { outcomes: _o, latency: _l, ...older } = rec; // a host of an older version: no counters, still a record
    expect(readHostRecord(bytes({ ...older, pool: { ...rec.pool, available: undefined, busy: undefined } }), junk, 'k')).not.toBeNull();
    expect(junk.total).toBe(0);
    const bad = [
      { outcomes: { ...rec.outcomes, answered: 'many' } },
      { outcomes: { answered: 3 } },
      { outcomes: { ...rec.outcomes, rejected: -1 } },
      { latency: { ...rec.latency, counts: [1, 2, 3, 4] } }, // not one more than the bounds
      { latency: { ...rec.latency, sumMs: -1 } },
      { latency: { ...rec.latency, count: 1.5 } },
      { pool: { ...rec.pool, available: -1 } },
      { pool: { ...rec.pool, busy: 'x' } },
    ];
    for (const b of bad) expect(readHostRecord(bytes({ ...rec, ...b }), junk, 'k')).toBeNull();
    expect(junk.counts.hosts).toBe(bad.length);
  });

  it('counts every drop and logs the first, then one line per interval with the count since', () => {
    const lines: string[] = [];
    let now = 0;
    const junk = new Junk(
      (m) => lines.push(m),
      10_000,
      () => now,
    );
    for (let i = 0; i < 5; i++) junk.drop('hosts', 'hosts key x', 'not JSON');
    now = 10_000;
    junk.drop('hosts', 'hosts key x', 'not JSON');
    junk.drop('results', 'results key y', 'ok: expected boolean');
    expect(junk.counts.hosts).toBe(6);
    expect(junk.total).toBe(7);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/hosts record from hosts key x \(not JSON\); 1 dropped since the last note, 1 in all/);
    expect(lines[1]).toMatch(/5 dropped since the last note, 6 in all/);
    expect(lines[2]).toMatch(/results record from results key y/);
  });
});
