// The store's cost per save/load must not grow with the bytes of the messages it
// holds (issue 9: a 3.8 MB message of `[{},{},…]` once took seconds and gigabytes
// because each save serialized and cloned the whole task). Driven by the SDK's
// own ResultManager, with the events the executor publishes for one message.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Role, TaskState, type Message, type Part, type Task } from '@a2a-js/sdk';
import { AgentEvent, ResultManager, ServerCallContext } from '@a2a-js/sdk/server';
import { BoundedTaskStore, taskBytes } from './task-store';

const ctx = new ServerCallContext();
const dataPart = (value: unknown): Part => ({ content: { $case: 'data', value }, mediaType: 'application/json', filename: '', metadata: undefined });
const message = (role: Role, parts: Part[], taskId = '', contextId = ''): Message => ({
  role,
  messageId: randomUUID(),
  taskId,
  contextId,
  parts,
  metadata: undefined,
  extensions: [],
  referenceTaskIds: [],
});

/** Counts what the store itself serializes and clones (not the SDK around it). */
function instrument(store: BoundedTaskStore) {
  const seen = { stringifiedChars: 0, clones: 0 };
  let inside = false;
  const stringify = JSON.stringify;
  vi.spyOn(JSON, 'stringify').mockImplementation((...args: Parameters<typeof JSON.stringify>) => {
    const out = stringify(...args);
    if (inside) seen.stringifiedChars += out?.length ?? 0;
    return out;
  });
  const clone = globalThis.structuredClone;
  vi.spyOn(globalThis, 'structuredClone').mockImplementation((v, o) => {
    if (inside) seen.clones++;
    return clone(v, o);
  });
  for (const name of ['save', 'load'] as const) {
    const original = store[name].bind(store) as (...a: unknown[]) => Promise<unknown>;
    // The methods do their work before their first await: the flag covers exactly the store's own code.
    (store as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      inside = true;
      try {
        return original(...a);
      } finally {
        inside = false;
      }
    };
  }
  return seen;
}

afterEach(() => vi.restoreAllMocks());

describe('BoundedTaskStore cost', () => {
  it("a large message of many small objects is serialized once over its task's whole life, and never deep-cloned", async () => {
    const store = new BoundedTaskStore();
    const seen = instrument(store);
    const data = Array.from({ length: 50_000 }, () => ({}));
    const user = message(Role.ROLE_USER, [dataPart(data)]);
    const taskId = randomUUID();
    const contextId = randomUUID();
    const rm = new ResultManager(store, ctx);
    rm.setContext(user);
    const status = (state: TaskState, parts?: Part[]) =>
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state, message: parts && message(Role.ROLE_AGENT, parts, taskId, contextId), timestamp: new Date().toISOString() },
        metadata: undefined,
      });
    // What PoolAgentExecutor publishes for one message whose agent echoes its data.
    await rm.processEvent(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: '' },
        artifacts: [],
        history: [user],
        metadata: undefined,
      }),
    );
    await rm.processEvent(status(TaskState.TASK_STATE_WORKING));
    const result = [dataPart(data)];
    await rm.processEvent(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: { artifactId: 'a', name: 'result', description: '', parts: result, metadata: undefined, extensions: [] },
        append: false,
        lastChunk: true,
        metadata: undefined,
      }),
    );
    await rm.processEvent(status(TaskState.TASK_STATE_COMPLETED, result));

    const final = (await store.load(taskId, ctx)) as Task;
    expect(final.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(final.history).toHaveLength(2);
    const fullJson = JSON.stringify(final).length;
    expect(store.bytes).toBeGreaterThan(fullJson * 0.99);
    expect(store.bytes).toBeLessThan(fullJson * 1.01);
    // Four saves and five loads: each big object (user message, artifact parts, the final status
    // message and its history copy) measured once, so the total is about one final task, not four.
    expect(seen.stringifiedChars).toBeLessThan(fullJson * 1.1);
    expect(seen.clones).toBe(0);
  });

  it('what load() returns and what was saved can be changed the ways the SDK does without touching the stored task', async () => {
    const store = new BoundedTaskStore();
    const msg = message(Role.ROLE_USER, [dataPart({ n: 1 })]);
    const task: Task = {
      id: 't',
      contextId: 'c',
      status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: 'x' },
      artifacts: [{ artifactId: 'a', name: 'r', description: '', parts: [dataPart(1)], metadata: undefined, extensions: [] }],
      history: [msg],
      metadata: { k: 1 },
    };
    await store.save(task, ctx);
    const snapshot = JSON.stringify(await store.load('t', ctx));
    const bytes = store.bytes;
    // After save: the SDK keeps editing its own object (_applyHistoryLengthSemantics, later events).
    task.history = [];
    task.status = { state: TaskState.TASK_STATE_FAILED, message: undefined, timestamp: 'y' };
    task.artifacts.push({ ...task.artifacts[0]!, artifactId: 'b' });
    task.artifacts[0]!.parts = [];
    task.metadata!.k = 2;
    // After load: ResultManager's applyStatusUpdate / applyArtifactUpdate edit the loaded copy.
    const loaded = (await store.load('t', ctx))!;
    loaded.history!.push(msg);
    loaded.status!.state = TaskState.TASK_STATE_CANCELED;
    loaded.artifacts[0]!.description = 'changed';
    loaded.artifacts.push(loaded.artifacts[0]!);
    loaded.metadata!.k = 3;
    expect(JSON.stringify(await store.load('t', ctx))).toBe(snapshot);
    expect(store.bytes).toBe(bytes);
    expect(taskBytes(task)).toBeLessThan(bytes); // the edited copy is smaller; the stored one kept its size
  });
});
