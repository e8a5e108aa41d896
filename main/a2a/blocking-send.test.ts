// A blocking SendMessage of a new task runs without the SDK's per-event store
// round trips and copies (blocking-send.ts), and still answers, stores, lists
// and cancels the task as the protocol says. Real Python echo workers, the SDK's client.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Role, TaskState, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import type { A2AServer } from './index';
import { dataPart, messageRequest } from './sdk-client';
import { startGateway } from './test-helpers';

const TOKEN = 'test-token-0123456789';
const WAIT = { timeout: 15_000, interval: 20 }; // polling bound on a busy machine, not a speed assertion

describe('blocking SendMessage', () => {
  let server: A2AServer;
  let client: Client;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, client, close } = await startGateway(TOKEN, {
      minWorkers: 1,
      maxWorkers: 1,
      healthCheckInterval: 60_000,
      workerRecycleInterval: 0,
      maxMessagesPerWorker: 0,
    }));
  }, 60_000);
  afterAll(() => close?.());

  it('stores the task twice (working, then final) and never loads it back', async () => {
    const store = server.mount.taskStore;
    const states: Array<TaskState | undefined> = []; // as each save saw it: the task object changes afterwards
    const save = store.save.bind(store);
    vi.spyOn(store, 'save').mockImplementation((t, ctx) => (states.push(t.status?.state), save(t, ctx)));
    const load = vi.spyOn(store, 'load');
    const task = (await client.sendMessage(messageRequest([dataPart({ n: 1 })]))) as Task;
    const loads = load.mock.calls.length;
    vi.restoreAllMocks();
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(states).toEqual([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
    expect(loads).toBe(0);
  });

  it('answers the task the SDK would build: user and agent message in history, one artifact, worker metadata', async () => {
    const req = messageRequest([dataPart({ tag: 'shape' })]);
    const task = (await client.sendMessage(req)) as Task;
    expect(task.history.map((m) => m.role)).toEqual([Role.ROLE_USER, Role.ROLE_AGENT]);
    expect(task.history[0]).toMatchObject({ messageId: req.message!.messageId, taskId: task.id, contextId: task.contextId });
    expect(task.history[1]?.messageId).toBe(task.status?.message?.messageId);
    expect(task.artifacts).toHaveLength(1);
    expect(task.artifacts[0]?.parts[0]?.content).toEqual({ $case: 'data', value: { tag: 'shape' } });
    expect(task.metadata).toMatchObject({ workerId: expect.any(String), latencyMs: expect.any(Number) });
    expect(await client.getTask({ tenant: '', id: task.id, historyLength: undefined })).toEqual(task);
    const short = (await client.sendMessage({
      ...messageRequest([dataPart({ tag: 'h1' })]),
      configuration: { ...req.configuration!, historyLength: 1 },
    })) as Task;
    expect(short.history.map((m) => m.role)).toEqual([Role.ROLE_AGENT]);
  });

  it('is listed as working while it runs, and tasks/cancel ends it: the send answers canceled', async () => {
    const sent = client.sendMessage(messageRequest([dataPart({ sleep_ms: 600_000, tag: 'cancel-me' })])) as Promise<Task>;
    let id = '';
    await vi.waitFor(async () => {
      const { tasks } = await client.listTasks({
        tenant: '',
        contextId: '',
        status: TaskState.TASK_STATE_WORKING,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: false,
      });
      id = tasks[0]?.id ?? '';
      expect(id).not.toBe('');
    }, WAIT);
    const canceled = await client.cancelTask({ tenant: '', id, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const answer = await sent;
    expect(answer.id).toBe(id);
    expect(answer.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });
});
