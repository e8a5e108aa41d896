// The store keys tasks by their id alone while ids are one caller's (task-store.ts: keyOf was a
// composite string built per call) and evicts from a cursor that outlives one save: both must
// keep what the protocol promises — a caller sees only its own tasks, and the oldest finished
// task goes first however long the store has been full.
import { describe, expect, it } from 'vitest';
import { TaskState, type Task } from '@a2a-js/sdk';
import { ServerCallContext, type User } from '@a2a-js/sdk/server';
import { BoundedTaskStore } from './task-store';

const user = (userName: string): User => ({ isAuthenticated: true, userName });
const ctx = (name: string, tenant?: string) => new ServerCallContext({ user: user(name), tenant });
const task = (id: string, state: TaskState, note = ''): Task => ({
  id,
  contextId: 'c',
  status: { state, message: undefined, timestamp: note },
  artifacts: [],
  history: [],
  metadata: undefined,
});
const ids = async (store: BoundedTaskStore, c: ServerCallContext) => (await store.list({ pageSize: 100 } as never, c)).tasks.map((t) => t.id);

describe('BoundedTaskStore keys', () => {
  it("a task is seen only by the tenant and user that saved it; another caller's task of the same id stays apart", async () => {
    const store = new BoundedTaskStore();
    const [alice, bob, aliceT] = [ctx('alice'), ctx('bob'), ctx('alice', 't1')];
    await store.save(task('x', TaskState.TASK_STATE_COMPLETED, 'alice'), alice);
    expect(await store.load('x', bob)).toBeUndefined();
    expect(await store.load('x', aliceT)).toBeUndefined();
    expect(await ids(store, bob)).toEqual([]);

    await store.save(task('x', TaskState.TASK_STATE_WORKING, 'bob'), bob);
    await store.save(task('x', TaskState.TASK_STATE_FAILED, 'alice-t1'), aliceT);
    expect(store.size).toBe(3);
    expect((await store.load('x', alice))?.status?.timestamp).toBe('alice');
    expect((await store.load('x', bob))?.status?.timestamp).toBe('bob');
    expect((await store.load('x', aliceT))?.status?.timestamp).toBe('alice-t1');
    expect(await ids(store, bob)).toEqual(['x']);

    // Saving again replaces the caller's own task, not another's.
    await store.save(task('x', TaskState.TASK_STATE_COMPLETED, 'bob again'), bob);
    expect(store.size).toBe(3);
    expect((await store.load('x', bob))?.status?.timestamp).toBe('bob again');
    expect((await store.load('x', alice))?.status?.timestamp).toBe('alice');
  });

  it('a caller keeps its task of that id after the first holder of the id was evicted', async () => {
    const store = new BoundedTaskStore(2);
    const [alice, bob] = [ctx('alice'), ctx('bob')];
    await store.save(task('x', TaskState.TASK_STATE_COMPLETED, 'alice'), alice);
    await store.save(task('x', TaskState.TASK_STATE_WORKING, 'bob'), bob);
    await store.save(task('y', TaskState.TASK_STATE_COMPLETED), alice); // full: alice's finished x goes
    expect(await store.load('x', alice)).toBeUndefined();
    expect((await store.load('x', bob))?.status?.timestamp).toBe('bob');
    await store.save(task('x', TaskState.TASK_STATE_COMPLETED, 'bob done'), bob);
    expect(store.size).toBe(2);
    expect((await store.load('x', bob))?.status?.timestamp).toBe('bob done');
  });

  it('a store that stays full drops the oldest finished task at every save; a running one is kept until it has finished and aged', async () => {
    const store = new BoundedTaskStore(3);
    const c = ctx('alice');
    await store.save(task('run', TaskState.TASK_STATE_WORKING), c);
    for (let i = 0; i < 50; i++) await store.save(task(`done-${i}`, TaskState.TASK_STATE_COMPLETED), c);
    expect(await ids(store, c)).toEqual(['done-49', 'done-48', 'run']);
    await store.save(task('run', TaskState.TASK_STATE_COMPLETED), c); // finished now: the newest
    await store.save(task('done-50', TaskState.TASK_STATE_COMPLETED), c);
    await store.save(task('done-51', TaskState.TASK_STATE_COMPLETED), c);
    expect(await ids(store, c)).toEqual(['done-51', 'done-50', 'run']);
    await store.save(task('done-52', TaskState.TASK_STATE_COMPLETED), c);
    expect(await ids(store, c)).toEqual(['done-52', 'done-51', 'done-50']);
    expect(store.bytes).toBeGreaterThan(0);
  });
});
