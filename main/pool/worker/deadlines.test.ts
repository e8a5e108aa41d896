// DeadlineTracker bookkeeping: per-call timeouts may take any value (an A2A client picks
// timeoutMs per request), so groups for values no longer in use must not pile up.
import { describe, expect, it } from 'vitest';
import { DeadlineTracker, type Deadlined } from './deadlines';

const item = (timeoutMs: number, now: number): Deadlined => ({ timeoutMs, deadline: now + timeoutMs });

describe('DeadlineTracker', () => {
  it('drops the group of a timeout value once nothing with that value is pending', () => {
    const expired: Deadlined[] = [];
    const t = new DeadlineTracker<Deadlined>(50, (i) => expired.push(i));
    const now = 1_000;
    const items = Array.from({ length: 500 }, (_, i) => item(10_000 + i, now));
    for (const i of items) t.add(i);
    expect(t.groupCount).toBe(500);
    for (const i of items.slice(0, 499)) t.remove(i); // answered
    t.sweep(now + 1);
    expect(t.groupCount).toBe(1);
    t.sweep(now + 20_000); // the last one expires
    expect(expired).toEqual([items[499]]);
    expect(t.count).toBe(0);
    expect(t.groupCount).toBe(0);
  });

  it('still expires in deadline order within a group after pruning', () => {
    const expired: number[] = [];
    const t = new DeadlineTracker<Deadlined & { n: number }>(50, (i) => expired.push(i.n));
    t.add({ ...item(100, 0), n: 1 });
    t.add({ ...item(100, 10), n: 2 });
    t.add({ ...item(7, 0), n: 3 });
    t.sweep(105);
    expect(expired).toEqual([1, 3]);
    t.sweep(111);
    expect(expired).toEqual([1, 3, 2]);
    t.stop();
  });
});

describe('DeadlineTracker expiry', () => {
  const item = (deadline: number, timeoutMs: number): Deadlined & { name: string } => ({ deadline, timeoutMs, name: `${timeoutMs}@${deadline}` });

  it('expires due items from every timeout group and keeps the rest', () => {
    const expired: string[] = [];
    const t = new DeadlineTracker<ReturnType<typeof item>>(1000, (x) => expired.push(x.name));
    const a = item(100, 100);
    const b = item(150, 100);
    const c = item(120, 20); // shorter timeout, sent later: its own group
    const d = item(500, 20);
    for (const x of [a, b, c, d]) t.add(x);
    t.sweep(130);
    expect(expired.sort()).toEqual([a.name, c.name].sort());
    expect(t.count).toBe(2);
    t.remove(b);
    t.sweep(1000);
    expect(expired).toContain(d.name);
    expect(expired).not.toContain(b.name);
    expect(t.count).toBe(0);
    t.clear();
  });
});
