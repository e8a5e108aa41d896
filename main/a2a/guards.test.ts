// Guard paths of the gateway against one real echo worker that runs one
// message at a time: queue full, cancel reaching the greenlet, bad input,
// non-loopback bind, the on/off switch.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TaskState, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import type { GreenletProcessPool } from '../pool/index';
import { startA2AServer, type A2AServer } from './index';
import { dataPart, messageRequest, textPart } from './sdk-client';
import { startGateway } from './test-helpers';

const TOKEN = 'guard-token-0123456789';
// Bounds for polling a state change on a busy 2-core machine; not speed assertions.
const WAIT = { timeout: 15_000, interval: 20 };
const statusText = (t: Task) => t.status?.message?.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('') ?? '';
const getTask = (c: Client, id: string) => c.getTask({ tenant: '', id, historyLength: undefined });

describe('A2A gateway guards (1 worker, 1 message at a time, queue of 1)', () => {
  let pool: GreenletProcessPool;
  let server: A2AServer;
  let client: Client;
  const config = { enabled: true };

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, server, client, close } = await startGateway(
      TOKEN,
      {
        minWorkers: 1,
        maxWorkers: 1,
        concurrencyPerWorker: 1,
        messageQueueSize: 1,
        maxRetries: 0, // a timed-out message is not re-run, so the deadline test sees one attempt
        healthCheckInterval: 60_000,
        workerRecycleInterval: 0,
        maxMessagesPerWorker: 0,
      },
      { config },
    ));
  }, 60_000);

  afterAll(() => close?.());

  it('a full queue gives a failed task saying so at once; cancel then frees the greenlet for the next message', async () => {
    const long = () => client.sendMessage(messageRequest([dataPart({ sleep_ms: 600_000 })], { returnImmediately: true })) as Promise<Task>;
    const running = await long();
    await vi.waitFor(async () => expect((await getTask(client, running.id)).status?.state).toBe(TaskState.TASK_STATE_WORKING), WAIT);
    const queued = await long();
    await vi.waitFor(() => expect(pool.getStats().queueDepth).toBe(1), WAIT);

    const refused = (await client.sendMessage(messageRequest([textPart('one too many')]))) as Task;
    expect(refused.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusText(refused)).toMatch(/queue is full/i);
    expect(refused.metadata).toMatchObject({ errorCode: 'ERR_QUEUE_FULL' });

    // The queued one leaves the pool queue; the running one's greenlet is killed.
    expect((await client.cancelTask({ tenant: '', id: queued.id, metadata: undefined })).status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect((await client.cancelTask({ tenant: '', id: running.id, metadata: undefined })).status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(pool.getStats().queueDepth).toBe(0);

    // The worker runs one greenlet at a time: this only completes if the sleeping one is gone.
    const next = (await client.sendMessage(messageRequest([textPart('after cancel')]))) as Task;
    expect(next.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(pool.getDetailedStats().workers[0]?.inFlight).toBe(0);
  });

  it('metadata timeoutMs sets the run deadline: the greenlet is killed and the task fails with ERR_TIMEOUT', async () => {
    const req = messageRequest([dataPart({ sleep_ms: 600_000 })]);
    req.message!.metadata = { timeoutMs: 200 };
    const t = (await client.sendMessage(req)) as Task;
    expect(t.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(t.metadata).toMatchObject({ errorCode: 'ERR_TIMEOUT' });
    expect(statusText(t)).toMatch(/timed out/i);
    const next = (await client.sendMessage(messageRequest([textPart('after timeout')]))) as Task;
    expect(next.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('canceling a finished task is refused (not cancelable)', async () => {
    const done = (await client.sendMessage(messageRequest([textPart('quick')]))) as Task;
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    await expect(client.cancelTask({ tenant: '', id: done.id, metadata: undefined })).rejects.toThrow(/not cancelable/i);
  });

  it('mixed text and data parts reach the agent as { text, data }', async () => {
    const t = (await client.sendMessage(messageRequest([textPart('note'), dataPart({ k: 1 })]))) as Task;
    expect(t.artifacts[0]?.parts[0]?.content).toEqual({ $case: 'data', value: { text: 'note', data: { k: 1 } } });
  });

  it('a file part is refused with a failed task naming the reason', async () => {
    const file = {
      content: { $case: 'url' as const, value: 'http://example.invalid/a.pdf' },
      mediaType: 'application/pdf',
      filename: 'a.pdf',
      metadata: undefined,
    };
    const t = (await client.sendMessage(messageRequest([file]))) as Task;
    expect(t.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusText(t)).toMatch(/File parts are not accepted/);
  });

  it('a malformed JSON body gets a JSON-RPC parse error, not a crash', async () => {
    const res = await fetch(`${server.url}/a2a/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"jsonrpc": "2.0", "id": 1,',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it('turned off in config, both routes answer 404 ERR_A2A_DISABLED', async () => {
    config.enabled = false;
    try {
      const card = await fetch(server.agentCardUrl);
      expect(card.status).toBe(404);
      expect(((await card.json()) as { code: string }).code).toBe('ERR_A2A_DISABLED');
    } finally {
      config.enabled = true;
    }
    expect((await fetch(server.agentCardUrl)).status).toBe(200);
  });

  it('refuses to bind beyond loopback unless configured', async () => {
    await expect(startA2AServer({ pool, token: TOKEN, host: '0.0.0.0' })).rejects.toMatchObject({ code: 'ERR_A2A_NON_LOOPBACK' });
    await expect(startA2AServer({ pool, token: undefined })).rejects.toMatchObject({ code: 'ERR_A2A_NO_TOKEN' });
  });
});
