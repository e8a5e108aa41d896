// Issue 9 on the A2A route, against a real worker: the body limit is the HTTP
// API's, client JSON too deep or with numbers JSON cannot carry is the client's
// fault (-32602 naming the limit, never reaching the worker), a large message of
// many small objects goes through, and an agent's unrepresentable result fails
// its task with a clear error instead of arriving changed.
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskState, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { MAX_BODY_BYTES } from '../headless/http-util';
import type { GreenletProcessPool } from '../pool/index';
import { MAX_JSON_DEPTH } from '../transport/json-limits';
import type { A2AServer } from './index';
import { dataPart, messageRequest } from './sdk-client';
import { startGateway } from './test-helpers';

const TOKEN = 'limits-token-0123456789';
const AGENTS = join(resolve(import.meta.dirname, '..', '..'), 'python', 'tests', 'agents');

let pool: GreenletProcessPool;
let server: A2AServer;
let client: Client;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ pool, server, client, close } = await startGateway(
    TOKEN,
    {
      minWorkers: 1,
      maxWorkers: 1,
      agent: 'fixture_agents:BigNumberAgent',
      pythonPaths: [AGENTS],
      healthCheckInterval: 60_000,
      workerRecycleInterval: 0,
      maxMessagesPerWorker: 0,
    },
    { config: { enabled: true } },
  ));
}, 60_000);

afterAll(() => close?.());

/** A SendMessage as a non-SDK client posts it, with the data part's JSON spliced in as text. */
const sendRaw = async (dataJson: string, id: number | string = 7) => {
  const body = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"SendMessage","params":{"message":{"messageId":"m-${Date.now()}","role":"ROLE_USER","parts":[{"data":${dataJson}}]}}}`;
  const res = await fetch(`${server.url}/a2a/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'A2A-Version': '1.0' },
    body,
  });
  return { status: res.status, body: (await res.json()) as any, bytes: Buffer.byteLength(body) };
};

const processed = () => pool.getStats().totalMessagesProcessed;

describe('A2A client input limits', () => {
  it(`nesting deeper than ${MAX_JSON_DEPTH} is refused -32602 naming the limit, and never reaches the worker`, async () => {
    const before = processed();
    const r = await sendRaw('['.repeat(5_000) + ']'.repeat(5_000), 'deep-1');
    expect(r.status).toBe(400);
    expect(r.body.id).toBe('deep-1');
    expect(r.body.error.code).toBe(-32602);
    expect(r.body.error.message).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(r.body.error.data).toMatchObject({ code: 'ERR_JSON_TOO_DEEP' });
    expect(r.body.error.data.path.startsWith('$.params.message.parts[0].data[0]')).toBe(true);
    expect(processed()).toBe(before);
  });

  it('numbers JSON would change (1e400, 2^53 + 1) are refused -32602 with their path', async () => {
    for (const [json, why] of [
      ['{"x":1e400}', /Infinity/],
      ['{"x":9007199254740993}', /2\^53/],
    ] as const) {
      const r = await sendRaw(json);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: -32602, data: { code: 'ERR_JSON_NUMBER', path: '$.params.message.parts[0].data.x' } });
      expect(r.body.error.message).toMatch(why);
    }
  });

  it("the body limit is the HTTP API's: one byte over is 413, a message of many small objects just under it completes", async () => {
    const count = (n: number) => `[${'{},'.repeat(n - 1)}{}]`;
    const fits = Math.floor((MAX_BODY_BYTES - 200) / 3);
    const over = await sendRaw(count(fits + 100));
    expect(over.bytes).toBeGreaterThan(MAX_BODY_BYTES);
    expect(over.status).toBe(413);
    expect(over.body.error.message).toContain(String(MAX_BODY_BYTES));

    const ok = await sendRaw(count(fits));
    expect(ok.bytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(ok.status).toBe(200);
    const task = ok.body.result.task;
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    expect(task.artifacts[0].parts[0].data).toHaveLength(fits);
    // The store holds the task once: message, artifact, final status message and its history copy.
    expect(server.mount.taskStore.bytes).toBeLessThan(5 * ok.bytes);
  }, 120_000);
});

describe('A2A agent results JSON cannot carry', () => {
  it.each([
    ['huge', 'integer beyond 2^53 at $.x[1].y'],
    ['inf', 'non-finite float inf at $.x[1].y'],
  ])('a result holding %s fails its task with an agent error naming where', async (kind, why) => {
    const t = (await client.sendMessage(messageRequest([dataPart({ kind })]))) as Task;
    expect(t.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(t.metadata).toMatchObject({ errorCode: 'ERR_AGENT' });
    const text = t.status?.message?.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
    expect(text).toBe(`result not representable in JSON: ${why}`);
  });
});
