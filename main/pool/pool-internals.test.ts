// Pure parts of the pool: restart backoff, latency histogram, the intrusive queue.
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram';
import { Task, TaskQueue, TaskState } from './pool-queue';
import { RestartPolicy } from './restart-policy';

const task = (queueTimeout = 0) => new Task(null, 1000, queueTimeout, undefined, false, () => undefined, () => undefined, 0);

describe('restart policy (PM2 exp backoff)', () => {
  it('starts at 100 ms, grows ×1.5 and caps at 15 s', () => {
    const p = new RestartPolicy();
    const delays = Array.from({ length: 14 }, () => p.onFailure(5_000).delayMs);
    expect(delays.slice(0, 4)).toEqual([100, 150, 225, 338]);
    expect(Math.max(...delays)).toBe(15_000);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
  });

  it('forgets the history after 30 s of stable uptime', () => {
    const p = new RestartPolicy();
    p.onFailure(5_000);
    p.onFailure(5_000);
    expect(p.onFailure(31_000).delayMs).toBe(100);
  });

  it('flags a crash loop after 5 unstable failures and then waits the cap', () => {
    const p = new RestartPolicy();
    const d = Array.from({ length: 5 }, () => p.onFailure(null));
    expect(d.slice(0, 4).every((x) => !x.crashLoop)).toBe(true);
    expect(d[4]).toMatchObject({ crashLoop: true, delayMs: 15_000 });
  });

  it('a stable run between crashes is not a loop', () => {
    const p = new RestartPolicy();
    for (let i = 0; i < 10; i++) expect(p.onFailure(2_000).crashLoop).toBe(false);
  });
});

describe('latency histogram', () => {
  it('percentiles are within the bucket resolution', () => {
    const h = new LatencyHistogram(60_000, 0);
    for (let i = 1; i <= 1000; i++) h.record(i / 10, 1); // 0.1 .. 100 ms
    expect(h.count).toBe(1000);
    expect(h.mean()).toBeCloseTo(50.05, 5);
    expect(h.percentile(0.5)).toBeGreaterThan(50 * 0.95);
    expect(h.percentile(0.5)).toBeLessThan(50 * 1.05);
    expect(h.percentile(0.99)).toBeGreaterThan(99 * 0.95);
    expect(h.percentile(0.99)).toBeLessThan(99 * 1.05);
  });

  it('old samples age out after two windows', () => {
    const h = new LatencyHistogram(1_000, 0);
    h.record(500, 10);
    h.record(1, 1_500); // rotates: the 500 ms sample is in the previous window
    expect(h.percentile(1)).toBeGreaterThan(400);
    h.record(1, 2_600); // rotates again: it is gone
    expect(h.percentile(1)).toBeLessThan(2);
  });
});

describe('task queue', () => {
  it('is FIFO with O(1) removal from the middle', () => {
    const q = new TaskQueue(10, () => undefined);
    const [a, b, c] = [task(), task(), task()];
    for (const t of [a, b, c]) q.push(t, 0);
    expect(q.remove(b)).toBe(true);
    expect(q.remove(b)).toBe(false);
    expect(q.shift()).toBe(a);
    expect(q.shift()).toBe(c);
    expect(q.shift()).toBeNull();
    expect(q.size).toBe(0);
  });

  it('reports full at capacity; pushFront (a retry) ignores the bound and goes first', () => {
    const q = new TaskQueue(2, () => undefined);
    const [a, b, r] = [task(), task(), task()];
    q.push(a, 0);
    q.push(b, 0);
    expect(q.full).toBe(true);
    q.pushFront(r, 0);
    expect(q.size).toBe(3);
    expect(q.shift()).toBe(r);
  });

  it('expires tasks past their queue deadline with one timer', async () => {
    const expired: Task[] = [];
    const q = new TaskQueue(10, (t) => expired.push(t));
    const now = performance.now();
    const [short, none, long] = [task(20), task(0), task(60)];
    q.push(short, now);
    q.push(none, now);
    q.push(long, now);
    await new Promise((r) => setTimeout(r, 120));
    expect(expired).toEqual([short, long]);
    expect(q.size).toBe(1);
    expect(q.shift()).toBe(none);
    expect(none.state).toBe(TaskState.Running);
  });
});
