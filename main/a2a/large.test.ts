// A large data part through the gateway and a real echo worker: the SDK around
// the executor only ever deep-copies small holders (not the message's objects),
// and every way a client reads the task back (blocking send, GetTask, streaming,
// the v0.3 compat layer) gives exactly the data sent.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TaskState, type Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import type { A2AServer } from './index';
import { dataPart, messageRequest } from './sdk-client';
import { startGateway } from './test-helpers';

const TOKEN = 'large-token-0123456789';
const data = Array.from({ length: 20_000 }, (_, i) => ({ i, tag: `r${i % 7}` })); // ~0.4 MB, 20k objects

let server: A2AServer;
let client: Client;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ server, client, close } = await startGateway(
    TOKEN,
    { minWorkers: 1, maxWorkers: 1, healthCheckInterval: 60_000, workerRecycleInterval: 0, maxMessagesPerWorker: 0 },
    { config: { enabled: true } },
  ));
}, 60_000);

afterAll(() => close?.());

afterEach(() => vi.restoreAllMocks());

/** Objects and arrays reachable from `v` (strings count as one value, whatever their length). */
function nodes(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 1;
  for (const x of Object.values(v)) n += nodes(x);
  return n;
}

const dataOf = (parts: Task['artifacts'][number]['parts'] | undefined) => {
  const c = parts?.[0]?.content;
  return c?.$case === 'data' ? c.value : undefined;
};

describe('A2A large data part (20,000 objects)', () => {
  it('nothing deep-copies more than small holders, and the blocking reply and GetTask carry the data exactly', async () => {
    const clone = globalThis.structuredClone;
    let largest = 0;
    vi.spyOn(globalThis, 'structuredClone').mockImplementation((v, o) => {
      largest = Math.max(largest, nodes(v));
      return clone(v, o);
    });
    const task = (await client.sendMessage(messageRequest([dataPart(data)]))) as Task;
    vi.restoreAllMocks();
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // Any structuredClone made for this message saw tens of objects, not 20,000 (a blocking send of a
    // new task now makes none: blocking-send.ts; the SDK's own path made a dozen or so of small holders).
    expect(largest).toBeLessThan(200);
    expect(dataOf(task.artifacts[0]?.parts)).toEqual(data);
    expect(dataOf(task.status?.message?.parts)).toEqual(data);
    expect(dataOf(task.history?.[0]?.parts)).toEqual(data);
    const again = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(dataOf(again.artifacts[0]?.parts)).toEqual(data);
    expect(dataOf(again.history?.[0]?.parts)).toEqual(data);
  });

  it('a streaming send delivers the data in its artifact event', async () => {
    let streamed: unknown;
    for await (const ev of client.sendMessageStream(messageRequest([dataPart(data)]))) {
      const p = ev.payload;
      if (p?.$case === 'artifactUpdate') streamed = dataOf(p.value.artifact?.parts);
    }
    expect(streamed).toEqual(data);
  });

  it('a v0.3 client gets its array back in the compat wrapping, and an object as it is', async () => {
    const send = async (part: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/a2a/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, // no A2A-Version: v0.3
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 3,
          method: 'message/send',
          params: { message: { kind: 'message', messageId: `m-${Math.random()}`, role: 'user', parts: [part] } },
        }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { result: { kind: string; artifacts: Array<{ parts: unknown[] }> } }).result;
    };
    const arr = await send({ kind: 'data', data: { value: data }, metadata: { data_part_compat: true } });
    expect(arr.kind).toBe('task');
    expect(arr.artifacts[0]?.parts[0]).toEqual({ kind: 'data', data: { value: data }, metadata: { data_part_compat: true } });
    const obj = await send({ kind: 'data', data: { rows: data } });
    expect(obj.artifacts[0]?.parts[0]).toEqual({ kind: 'data', data: { rows: data } });
  });
});
