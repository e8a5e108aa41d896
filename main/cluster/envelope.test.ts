// The envelope's wire format and the one-answer rule of host-envelope.ts,
// against an in-memory create-only store: several deliveries of one envelope
// racing, answers finishing in random order and store round trips of random
// length must still leave every member exactly one answer, counted once.
import { describe, expect, it } from 'vitest';
import {
  groupJson,
  envelopeBody,
  envelopeSchema,
  isEnvelope,
  MAX_ENVELOPE_BYTES,
  MAX_MEMBERS,
  pack,
  readAnswer,
  readEnvelope,
  type Member,
  type Outgoing,
} from './envelope';
import { EnvelopeJob, noEnvelopeStats, type EnvelopeHost, type RunResult, type Verb } from './host-envelope';
import { Junk } from './records';
import type { ResultRecord } from './wire';

const te = new TextEncoder();
const junk = () => new Junk(() => undefined);
const out = (i: number, json = '{"n":1}'): Outgoing => ({ id: `c1-${i}`, json, deadline: 1_000 + i });

describe('envelope wire format', () => {
  it('the fast envelope check takes exactly what the schema takes', () => {
    const m = { i: 'c1-1', dl: 5, d: { x: 1 } };
    const variants: unknown[] = [[], {}, [m], [m, { ...m, rt: 5 }], Array.from({ length: 1_025 }, () => m)];
    for (const [k, vs] of Object.entries({ i: [undefined, '', 'x'.repeat(256), 1], dl: [undefined, '5', null], rt: [0, -1, '5', null] }))
      for (const v of vs) variants.push([m, { ...m, [k]: v }]);
    variants.push([null], [[m]], ['x']);
    for (const v of variants) expect(isEnvelope(v), JSON.stringify(v)?.slice(0, 80)).toBe(envelopeSchema.safeParse(v).success);
  });

  it('packs a turn by count and size; a lone message and an oversized one travel alone', () => {
    expect(pack([out(1)]).map((g) => g.length)).toEqual([1]);
    expect(pack(Array.from({ length: MAX_MEMBERS * 2 + 3 }, (_, i) => out(i))).map((g) => g.length)).toEqual([MAX_MEMBERS, MAX_MEMBERS, 3]);
    const big = `"${'x'.repeat(MAX_ENVELOPE_BYTES)}"`;
    expect(pack([out(1), out(2, big), out(3)]).map((g) => g.map((x) => x.id))).toEqual([['c1-1'], ['c1-2'], ['c1-3']]);
  });

  it('a body reads back as its members, payloads untouched', () => {
    const items = [out(1, '{"a":[1,2]}'), { ...out(2, 'null'), runTimeout: 50 }];
    const members = readEnvelope(te.encode(envelopeBody(items)), junk(), 'w');
    expect(members).toEqual([
      { i: 'c1-1', dl: 1_001, d: { a: [1, 2] } },
      { i: 'c1-2', dl: 1_002, rt: 50, d: null },
    ]);
  });

  it("a group record reads back as its answers, each with its group's host and delivery", () => {
    const ok = { ok: true, result: { a: [1, 'x'] }, hostId: 'h1', delivery: 2, workerId: 'w1', runMs: 3 };
    const failed: ResultRecord = { ok: false, error: { code: 'ERR_AGENT', message: 'no', details: { line: 1 } }, hostId: 'h1', delivery: 2 };
    const json = groupJson('h1', 2, [
      ['c1-1', ok],
      ['c1-2', failed],
    ]);
    expect(readAnswer(te.encode(json), junk(), 'k')).toEqual({ kind: 'group', recs: { 'c1-1': ok, 'c1-2': failed } });
    expect(readAnswer(te.encode(groupJson('r', 1, [])), junk(), 'k')).toEqual({ kind: 'group', recs: {} });
  });

  it('junk is neither an envelope nor an answer, and is counted', () => {
    const j = junk();
    expect(readEnvelope(te.encode('{"i":1}'), j, 'w')).toBeNull();
    expect(readEnvelope(te.encode('[{"d":1,"dl":1}]'), j, 'w')).toBeNull(); // no id
    expect(readAnswer(te.encode('{"batch":{"x":{"ok":false}},"hostId":"h","delivery":1}'), j, 'k')).toBeNull();
    expect(j.counts).toMatchObject({ work: 2, results: 1 });
    const rec = { ok: true, result: 1, hostId: 'h', delivery: 1 };
    expect(readAnswer(te.encode(JSON.stringify(rec)), j, 'k')).toMatchObject({ kind: 'one', rec });
    expect(readAnswer(te.encode(JSON.stringify({ hostId: 'h', delivery: 2, batch: { m: rec } })), j, 'k')).toMatchObject({
      kind: 'group',
      recs: { m: rec },
    });
  });
});

/** A results bucket: create-only keys, reads and writes that take a random few ms. */
class Store {
  readonly keys = new Map<string, unknown>();
  constructor(private readonly rnd: () => number) {}
  private later<T>(f: () => T): Promise<T> {
    return new Promise((resolve, reject) =>
      setTimeout(
        () => {
          try {
            resolve(f());
          } catch (e) {
            reject(e as Error);
          }
        },
        Math.floor(this.rnd() * 4),
      ),
    );
  }
  create(key: string, json: string): Promise<'stored' | 'exists'> {
    return this.later(() => (this.keys.has(key) ? 'exists' : (this.keys.set(key, JSON.parse(json)), 'stored')));
  }
  group(key: string): Promise<Set<string> | null> {
    return this.later(() => {
      const v = this.keys.get(key) as { batch?: Record<string, unknown> } | undefined;
      return v ? new Set(Object.keys(v.batch ?? {})) : null;
    });
  }
}

/** A host that answers each member after a random delay; `crash` members end with no answer (run again) until `lastTry`. */
function host(id: string, store: Store, rnd: () => number, counts: { stored: number; dup: number }, crash = new Set<string>()): EnvelopeHost {
  return {
    hostId: id,
    run: (m: Member, delivery: number) =>
      new Promise<RunResult>((resolve) =>
        setTimeout(
          () =>
            crash.has(m.i) && delivery < 3
              ? resolve({ rec: null, then: 'nak' })
              : resolve({ rec: { ok: !crash.has(m.i), result: m.i, hostId: id, delivery } as ResultRecord, then: crash.has(m.i) ? 'nak' : 'ack' }),
          Math.floor(rnd() * 6),
        ),
      ),
    createOnly: (k, _owner, json) => store.create(k, json),
    storeOne: async (k, rec) => {
      const how = await store.create(k, JSON.stringify(rec));
      if (how === 'stored') counts.stored++;
      else counts.dup++;
      return how;
    },
    readGroup: (k) => store.group(k),
    exists: (k) => Promise.resolve(store.keys.has(k)),
    stored: () => void counts.stored++,
    duplicate: () => void counts.dup++,
    envelopeStats: noEnvelopeStats(),
  };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31), s / 2 ** 31);
}

const members = (n: number): Member[] => Array.from({ length: n }, (_, i) => ({ i: `c1-${i}`, d: i, dl: 0 }));

/** Every member answered in exactly one place: its envelope's group record or its own key. */
function answersPerMember(store: Store, ms: Member[]): number[] {
  const group = (store.keys.get('c1.c1-e1') as { batch?: Record<string, unknown> } | undefined)?.batch ?? {};
  return ms.map((m) => (m.i in group ? 1 : 0) + (store.keys.has(`c1.${m.i}`) ? 1 : 0));
}

const run = (h: EnvelopeHost, ms: Member[], delivery: number) =>
  new Promise<Verb>((resolve) => void new EnvelopeJob(h, ms, 'c1.', 'c1.c1-e1', delivery, resolve).start());

describe('envelope answers: one per member', () => {
  it('two deliveries of one envelope racing (a stalled host and its redelivery): each member answered once, counted once', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = seeded(seed);
      const store = new Store(rnd);
      const counts = { stored: 0, dup: 0 };
      const ms = members(12);
      const verbs = await Promise.all([run(host('a', store, rnd, counts), ms, 1), run(host('b', store, rnd, counts), ms, 2)]);
      expect(answersPerMember(store, ms)).toEqual(ms.map(() => 1));
      expect(counts.stored).toBe(ms.length); // the figures: one outcome per message across hosts
      expect(counts.stored + counts.dup).toBe(2 * ms.length);
      expect(verbs).toEqual(['ack', 'ack']);
    }
  });

  it('a crashing member: the envelope comes back until its last try, its siblings are answered once and never run again', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = seeded(seed);
      const store = new Store(rnd);
      const counts = { stored: 0, dup: 0 };
      const ms = members(8);
      const ran: string[] = [];
      const h = host('a', store, rnd, counts, new Set(['c1-3']));
      const counted = { ...h, run: (m: Member, d: number) => (ran.push(`${d}:${m.i}`), h.run(m, d)) };
      expect(await run(counted, ms, 1)).toBe('nak');
      expect(await run(counted, ms, 2)).toBe('nak'); // the group record exists: only c1-3 runs, alone
      expect(await run(counted, ms, 3)).toBe('nak'); // last try: answered poison, naked for the dead-letter advisory
      expect(ran.filter((r) => !r.startsWith('1:'))).toEqual(['2:c1-3', '3:c1-3']); // answered ones, in the group or alone, never again
      expect(answersPerMember(store, ms)).toEqual(ms.map(() => 1));
      expect(store.keys.get('c1.c1-3')).toMatchObject({ ok: false, delivery: 3 });
      expect(counts).toEqual({ stored: ms.length, dup: 2 * (ms.length - 1) }); // the 7 answered siblings, found answered at deliveries 2 and 3
    }
  });

  it('a store that stays away answers nothing and runs the envelope again', async () => {
    const counts = { stored: 0, dup: 0 };
    const h = host('a', new Store(Math.random), Math.random, counts);
    const down = { ...h, createOnly: () => Promise.reject(new Error('no server')), storeOne: () => Promise.reject(new Error('no server')) };
    expect(await run(down, members(5), 1)).toBe('nak');
    expect(counts).toEqual({ stored: 0, dup: 0 });
  });
});
