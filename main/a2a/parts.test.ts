// The documented part mapping, one rule per test, plus the bounded task store.
import { describe, expect, it } from 'vitest';
import { TaskState, type Part, type Task } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { partsToData, resultToParts } from './parts';
import { BoundedTaskStore } from './task-store';
import { bearerMatches } from './auth';

const text = (value: string): Part => ({ content: { $case: 'text', value }, mediaType: 'text/plain', filename: '', metadata: undefined });
const data = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });

describe('partsToData', () => {
  it('a single text part becomes the string', () => {
    expect(partsToData([text('hello')])).toBe('hello');
  });
  it('a single data part becomes its value', () => {
    expect(partsToData([data({ a: 1 })])).toEqual({ a: 1 });
    expect(partsToData([data([1, 2])])).toEqual([1, 2]);
  });
  it('several text parts are joined with newlines', () => {
    expect(partsToData([text('a'), text('b')])).toBe('a\nb');
  });
  it('mixed parts become { text, data }', () => {
    expect(partsToData([text('a'), data({ x: 1 }), text('b')])).toEqual({ text: 'a\nb', data: { x: 1 } });
  });
  it('several data parts become { data: [...] } in order', () => {
    expect(partsToData([data(1), data({ y: 2 })])).toEqual({ data: [1, { y: 2 }] });
  });
  it('file parts are refused with ERR_VALIDATION', () => {
    const file: Part = { content: { $case: 'url', value: 'http://x/y.pdf' }, mediaType: 'application/pdf', filename: 'y.pdf', metadata: undefined };
    expect(() => partsToData([file])).toThrow(/File parts are not accepted.*y\.pdf/);
  });
  it('an empty message is refused', () => {
    expect(() => partsToData([])).toThrow(/no text or data part/);
  });
});

describe('resultToParts', () => {
  it('a string result is a text part', () => {
    expect(resultToParts('hi')).toEqual([text('hi')]);
  });
  it('any other value is a data part', () => {
    expect(resultToParts({ n: 1 })[0]?.content).toEqual({ $case: 'data', value: { n: 1 } });
    expect(resultToParts(3)[0]?.mediaType).toBe('application/json');
  });
});

describe('BoundedTaskStore', () => {
  const ctx = new ServerCallContext();
  const task = (id: string, state: TaskState): Task => ({
    id,
    contextId: 'c',
    status: { state, message: undefined, timestamp: new Date().toISOString() },
    artifacts: [],
    history: [],
    metadata: undefined,
  });

  it('drops the oldest finished task first when full', async () => {
    const store = new BoundedTaskStore(2);
    await store.save(task('running', TaskState.TASK_STATE_WORKING), ctx);
    await store.save(task('done', TaskState.TASK_STATE_COMPLETED), ctx);
    await store.save(task('new', TaskState.TASK_STATE_SUBMITTED), ctx);
    expect(store.size).toBe(2);
    expect(await store.load('done', ctx)).toBeUndefined();
    expect((await store.load('running', ctx))?.status?.state).toBe(TaskState.TASK_STATE_WORKING);
  });

  it('bounds the memory held, not only the count: big payloads evict the oldest finished tasks', async () => {
    const store = new BoundedTaskStore(10_000, 3_000_000);
    const big = (id: string, state: TaskState): Task => ({
      ...task(id, state),
      history: [
        { role: 1, messageId: id, taskId: id, contextId: 'c', parts: [{ content: { $case: 'text', value: 'x'.repeat(1_000_000) } }] } as never,
      ],
    });
    await store.save(big('running', TaskState.TASK_STATE_WORKING), ctx);
    for (let i = 0; i < 10; i++) await store.save(big(`done-${i}`, TaskState.TASK_STATE_COMPLETED), ctx);
    expect(store.bytes).toBeLessThanOrEqual(3_000_000);
    expect(store.size).toBeLessThanOrEqual(3);
    expect((await store.load('done-9', ctx))?.id).toBe('done-9'); // the newest stays
    expect((await store.load('running', ctx))?.status?.state).toBe(TaskState.TASK_STATE_WORKING); // running kept over finished
    expect(await store.load('done-0', ctx)).toBeUndefined();
    // saving the same task again replaces its size instead of adding to it
    await store.save(task('done-9', TaskState.TASK_STATE_COMPLETED), ctx);
    expect(store.bytes).toBeLessThan(1_500_000);
  });

  it('lists newest first with a page token', async () => {
    const store = new BoundedTaskStore();
    for (const id of ['a', 'b', 'c']) await store.save(task(id, TaskState.TASK_STATE_COMPLETED), ctx);
    const first = await store.list({ pageSize: 2 } as never, ctx);
    expect(first.tasks.map((t) => t.id)).toEqual(['c', 'b']);
    const second = await store.list({ pageSize: 2, pageToken: first.nextPageToken } as never, ctx);
    expect(second.tasks.map((t) => t.id)).toEqual(['a']);
    expect(second.nextPageToken).toBe('');
  });
});

describe('bearerMatches', () => {
  it('accepts only the exact token', () => {
    expect(bearerMatches('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('Bearer s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(bearerMatches('Basic s3cret-token', 's3cret-token')).toBe(false);
    expect(bearerMatches(undefined, 's3cret-token')).toBe(false);
  });
});
