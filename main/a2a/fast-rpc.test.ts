// A v1.0 SendMessage goes straight to the SDK's JSON-RPC transport handler
// (fast-rpc.ts); it must answer exactly as the express route does, and every
// other request must still reach express. Real Python echo workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { A2AServer } from './index';
import { startGateway } from './test-helpers';

const TOKEN = 'test-token-0123456789';
const auth = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'A2A-Version': '1.0' };
const send = (data: unknown, id: number | string = 1) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'SendMessage',
    params: { message: { messageId: `m-${Math.random()}`, role: 'ROLE_USER', parts: [{ data }] } },
  });

describe('direct SendMessage route', () => {
  let server: A2AServer;
  let close: () => Promise<void>;
  let url: string;
  const post = (body: string, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { ...auth, ...headers }, body });

  beforeAll(async () => {
    ({ server, close } = await startGateway(TOKEN, {
      minWorkers: 1,
      maxWorkers: 1,
      healthCheckInterval: 60_000,
      workerRecycleInterval: 0,
      maxMessagesPerWorker: 0,
    }));
    url = `${server.url}/a2a/jsonrpc`;
  }, 60_000);
  afterAll(() => close?.());

  // The express route answers through res.send, which adds an ETag; the direct route writes none.
  const direct = (res: Response) => res.headers.get('etag') === null;

  it('answers a v1.0 SendMessage directly, with the same reply as the express route', async () => {
    const fast = await post(send({ k: 'v' }, 7));
    // An (empty) extensions header keeps the same request on the express route.
    const slow = await post(send({ k: 'v' }, 7), { 'A2A-Extensions': '' });
    expect(direct(fast)).toBe(true);
    expect(direct(slow)).toBe(false);
    const shape = (r: any) => ({
      id: r.id,
      state: r.result.task.status.state,
      artifact: r.result.task.artifacts[0].parts,
      history: r.result.task.history.map((m: any) => m.role),
    });
    expect(fast.status).toBe(200);
    expect(fast.headers.get('content-type')).toBe(slow.headers.get('content-type'));
    expect(shape(await fast.json())).toEqual(shape(await slow.json()));
  });

  it('answers a malformed SendMessage with the same JSON-RPC error as the express route', async () => {
    const bad = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'SendMessage', params: { message: { role: 'ROLE_USER', parts: [] } } });
    const fast = await post(bad);
    const slow = await post(bad, { 'A2A-Extensions': '' });
    expect(direct(fast)).toBe(true);
    expect([fast.status, await fast.json()]).toEqual([slow.status, await slow.json()]);
  });

  it('hands everything else to express, body already read: other methods, bad JSON, no token, v0.3', async () => {
    const get = await post(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'GetTask', params: { id: 'nope' } }));
    expect(get.status).toBe(200);
    expect(((await get.json()) as { error: { message: string } }).error.message).toMatch(/not found/i);
    const broken = await post('{"jsonrpc":');
    expect([broken.status, ((await broken.json()) as { error: { code: number } }).error.code]).toEqual([400, -32700]);
    const deep = await post(`{"jsonrpc":"2.0","id":5,"method":"SendMessage","params":${'['.repeat(600)}${']'.repeat(600)}}`);
    expect([deep.status, ((await deep.json()) as { error: { data: { code: string } } }).error.data.code]).toEqual([400, 'ERR_JSON_TOO_DEEP']);
    const anonymous = await post(send({}), { authorization: '' });
    expect(anonymous.status).toBe(401);
    const legacy = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: send({}),
    });
    expect(direct(legacy)).toBe(false); // no A2A-Version: the SDK reads v0.3
  });
});
