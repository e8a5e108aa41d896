// The gateway end to end: the SDK's own client (ClientFactory.createFromUrl)
// against a real loopback server with real Python EchoAgent workers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TaskState, type Part, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import type { GreenletProcessPool } from '../pool/index';
import type { A2AServer, ExternalTaskRecord } from './index';
import { connectA2A, dataPart, messageRequest, textPart } from './sdk-client';
import { startGateway } from './test-helpers';

const TOKEN = 'test-token-0123456789';
// Bounds for polling a state change on a busy 2-core machine; not speed assertions.
const WAIT = { timeout: 15_000, interval: 20 };
const poolOpts = { healthCheckInterval: 60_000, workerRecycleInterval: 0, maxMessagesPerWorker: 0, idleTimeout: 600_000 };

const asTask = (r: unknown): Task => {
  expect(r).toHaveProperty('status');
  return r as Task;
};
const statusText = (t: Task) => t.status?.message?.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('') ?? '';
const onlyPart = (parts: Part[] | undefined) => {
  expect(parts).toHaveLength(1);
  return parts![0]!.content;
};

describe('A2A gateway (2 echo workers)', () => {
  let pool: GreenletProcessPool;
  let server: A2AServer;
  let client: Client;
  const records: ExternalTaskRecord[] = [];

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, server, client, close } = await startGateway(
      TOKEN,
      { ...poolOpts, minWorkers: 2, maxWorkers: 2, messageQueueSize: 1_000 },
      { record: (r) => records.push(r) },
    ));
  }, 60_000);

  afterAll(() => close?.());

  it('serves the Agent Card publicly with skills from agent.register and the bearer scheme', async () => {
    const res = await fetch(server.agentCardUrl, { headers: { 'A2A-Version': '1.0' } });
    expect(res.status).toBe(200);
    const card = (await res.json()) as Record<string, any>;
    expect(card.name).toBe('Greenlet Agent Pool');
    expect(card.skills.map((s: { id: string }) => s.id)).toEqual(['echo']);
    expect(card.securitySchemes.bearer.httpAuthSecurityScheme.scheme).toBe('Bearer');
    expect(card.securityRequirements[0].schemes).toHaveProperty('bearer');
    expect(card.capabilities).toMatchObject({ streaming: true, pushNotifications: false });
    expect(card.supportedInterfaces[0]).toMatchObject({ url: `${server.url}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' });
    expect(card.supportedInterfaces[1]).toMatchObject({ url: `${server.url}/a2a/jsonrpc`, protocolVersion: '0.3' });
    expect(card.defaultInputModes).toEqual(['text/plain', 'application/json']);
    // And as the SDK client parsed it.
    const parsed = await client.getAgentCard();
    expect(parsed.skills[0]?.id).toBe('echo');
    expect(parsed.securitySchemes.bearer?.scheme?.$case).toBe('httpAuthSecurityScheme');
  });

  it('echoes a text part as a text part', async () => {
    const task = asTask(await client.sendMessage(messageRequest([textPart('hello greenlets')])));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(onlyPart(task.status?.message?.parts)).toEqual({ $case: 'text', value: 'hello greenlets' });
    expect(onlyPart(task.artifacts[0]?.parts)).toEqual({ $case: 'text', value: 'hello greenlets' });
    expect(task.metadata?.workerId).toMatch(/\S/);
  });

  it('echoes a data part as a data part', async () => {
    const data = { order: 42, items: ['a', 'b'], nested: { ok: true, n: null } };
    const task = asTask(await client.sendMessage(messageRequest([dataPart(data)])));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(onlyPart(task.artifacts[0]?.parts)).toEqual({ $case: 'data', value: data });
    // tasks/get returns the same finished task.
    const again = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(onlyPart(again.artifacts[0]?.parts)).toEqual({ $case: 'data', value: data });
  });

  it("turns an agent exception into a failed task with the agent's message", async () => {
    const task = asTask(await client.sendMessage(messageRequest([dataPart({ fail: true, message: 'boom from python' })])));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusText(task)).toContain('boom from python');
    expect(task.metadata).toMatchObject({ errorCode: 'ERR_AGENT' });
    expect(task.artifacts).toEqual([]);
    expect(records.some((r) => !r.ok && r.message?.includes('boom from python'))).toBe(true);
  });

  it('refuses requests without the token or with a wrong one (401), card stays public', async () => {
    const anonymous = await connectA2A(server.url); // the card needs no token
    await expect(anonymous.sendMessage(messageRequest([textPart('x')]))).rejects.toThrow(/401/);
    const wrong = await connectA2A(server.url, 'not-the-token-123');
    await expect(wrong.sendMessage(messageRequest([textPart('x')]))).rejects.toThrow(/401/);
    const raw = await fetch(`${server.url}/a2a/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}x` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } }),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 200 concurrent sends, each with its own payload', async () => {
    const tasks = await Promise.all(Array.from({ length: 200 }, (_, i) => client.sendMessage(messageRequest([dataPart({ i })])).then(asTask)));
    expect(tasks.filter((t) => t.status?.state === TaskState.TASK_STATE_COMPLETED)).toHaveLength(200);
    tasks.forEach((t, i) => expect(onlyPart(t.artifacts[0]?.parts)).toEqual({ $case: 'data', value: { i } }));
  });

  it('streams submitted -> working -> completed', async () => {
    const states: TaskState[] = [];
    const kinds: string[] = [];
    for await (const ev of client.sendMessageStream(messageRequest([dataPart({ sleep_ms: 50, tag: 'stream' })]))) {
      const p = ev.payload;
      if (!p) continue;
      kinds.push(p.$case);
      if (p.$case === 'task') states.push(p.value.status!.state);
      if (p.$case === 'statusUpdate') states.push(p.value.status!.state);
    }
    expect(kinds[0]).toBe('task');
    expect(kinds).toContain('artifactUpdate');
    expect(states).toEqual([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);
  });

  it('a streaming send of a long task ends with canceled when the task is canceled meanwhile', async () => {
    const states: TaskState[] = [];
    let taskId = '';
    for await (const ev of client.sendMessageStream(messageRequest([dataPart({ sleep_ms: 600_000 })]))) {
      const p = ev.payload;
      if (p?.$case === 'task') taskId = p.value.id;
      if (p?.$case !== 'statusUpdate') continue;
      states.push(p.value.status!.state);
      if (p.value.status!.state === TaskState.TASK_STATE_WORKING) {
        await client.cancelTask({ tenant: '', id: taskId, metadata: undefined });
      }
    }
    expect(states).toEqual([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_CANCELED]);
  });

  it('follows a long task with tasks/get and cancels it; the worker in-flight returns to 0', async () => {
    const started = asTask(await client.sendMessage(messageRequest([dataPart({ sleep_ms: 600_000 })], { returnImmediately: true })));
    await vi.waitFor(async () => {
      const t = await client.getTask({ tenant: '', id: started.id, historyLength: undefined });
      expect(t.status?.state).toBe(TaskState.TASK_STATE_WORKING);
    }, WAIT);
    expect(pool.getStats().inFlight).toBe(1);
    const canceled = await client.cancelTask({ tenant: '', id: started.id, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const after = await client.getTask({ tenant: '', id: started.id, historyLength: undefined });
    expect(after.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await vi.waitFor(() => {
      expect(pool.getDetailedStats().workers.map((w) => w.inFlight)).toEqual([0, 0]);
    }, WAIT);
    expect(server.mount.executor.inFlight).toBe(0);
  });

  it('also speaks v0.3 to older peers: v0.3 card without A2A-Version, message/send with the token', async () => {
    const card = (await (await fetch(server.agentCardUrl)).json()) as Record<string, any>;
    expect(card).toMatchObject({ protocolVersion: '0.3', url: `${server.url}/a2a/jsonrpc`, security: [{ bearer: [] }] });
    expect(card.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'Bearer' });
    const send = (auth?: string) =>
      fetch(`${server.url}/a2a/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'message/send',
          params: { message: { kind: 'message', messageId: 'legacy-1', role: 'user', parts: [{ kind: 'data', data: { legacy: true } }] } },
        }),
      });
    expect((await send()).status).toBe(401);
    const body = (await (await send(`Bearer ${TOKEN}`)).json()) as Record<string, any>;
    expect(body.result).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    expect(body.result.artifacts[0].parts[0]).toEqual({ kind: 'data', data: { legacy: true } });
  });

  it('records A2A traffic for the control center', () => {
    expect(records.filter((r) => r.ok).length).toBeGreaterThanOrEqual(204);
    expect(records.filter((r) => !r.ok && r.message?.startsWith('ERR_CANCELLED')).length).toBe(2);
    expect(records.every((r) => r.source === 'a2a' && r.latencyMs >= 0)).toBe(true);
    expect(records.find((r) => r.ok)?.workerId).toMatch(/\S/);
  });
});
