// The intrusive task queue: pure, no workers.
import { describe, expect, it } from 'vitest';
import { Task, TaskQueue, TaskState } from './pool-queue';
import { sleep } from '../../../common/test-support/wait';

const task = (queueTimeout = 0) =>
  new Task(
    null,
    1000,
    queueTimeout,
    undefined,
    false,
    () => undefined,
    () => undefined,
    0,
  );

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
    await sleep(120);
    expect(expired).toEqual([short, long]);
    expect(q.size).toBe(1);
    expect(q.shift()).toBe(none);
    expect(none.state).toBe(TaskState.Running);
  });
});
