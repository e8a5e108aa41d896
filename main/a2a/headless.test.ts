// The gateway as headless mode runs it: mounted on the control center's own
// HTTP server, driven by the real ControlPlane and its pool, with A2A traffic
// landing in the control center's event log and stats.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskState, type Task } from '@a2a-js/sdk';
import type { ControlPlane } from '../control/index';
import { createPlane, waitHealthy } from '../control/test-support/plane';
import { createHeadlessServer, type HeadlessServer } from '../headless/server';
import { createA2AMount } from './index';
import { connectA2A, dataPart, messageRequest, textPart } from './sdk-client';

const TOKEN = 'control-center-token-0123';
const REPO = resolve(import.meta.dirname, '..', '..');

describe('A2A gateway mounted on the headless server', () => {
  let dir: string;
  let cp: ControlPlane;
  let server: HeadlessServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gcc-a2a-'));
    cp = await createPlane(
      join(dir, 'data'),
      { pool: { minWorkers: 1, maxWorkers: 1 }, a2a: { name: 'Headless Echo Pool' } },
      { version: '0.0.0-test', runtimeDir: join(REPO, 'python') },
    );
    await waitHealthy(cp);
    server = await createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir: dir });
    const mount = createA2AMount(cp, { token: TOKEN, baseUrl: server.url });
    for (const prefix of mount.prefixes) server.addMount({ prefix, handler: mount.handler });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await cp?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shares the port: card and JSON-RPC next to /api, URLs published in getAppInfo', async () => {
    const info = await cp.handlers.getAppInfo({});
    expect(info.a2aUrl).toBe(server.url);
    expect(info.agentCardUrl).toBe(`${server.url}/.well-known/agent-card.json`);
    const client = await connectA2A(server.url, TOKEN);
    expect((await client.getAgentCard()).name).toBe('Headless Echo Pool');
    const task = (await client.sendMessage(messageRequest([textPart('via headless')]))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts[0]?.parts[0]?.content).toEqual({ $case: 'text', value: 'via headless' });
  });

  it('A2A tasks show in the event log and the pool stats', async () => {
    const before = (await cp.handlers.getStats({})).totalMessagesProcessed;
    const client = await connectA2A(server.url, TOKEN);
    await client.sendMessage(messageRequest([dataPart({ n: 1 })]));
    const failed = (await client.sendMessage(messageRequest([dataPart({ fail: true, message: 'agent said no' })]))) as Task;
    expect(failed.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect((await cp.handlers.getStats({})).totalMessagesProcessed).toBeGreaterThanOrEqual(before + 2);
    const events = await cp.handlers.getEvents({ level: 'debug' });
    const a2a = events.filter((e) => e.type === 'a2a.request');
    expect(a2a.some((e) => e.level === 'warn' && e.message.includes('agent said no'))).toBe(true);
    expect(a2a.some((e) => e.data?.ok === true)).toBe(true);
  });

  it('a separate a2a.token in the config replaces the control center token at once', async () => {
    const own = 'a2a-only-token-abcdef';
    await cp.handlers.updateConfig({ patch: { a2a: { token: own } } });
    try {
      const old = await connectA2A(server.url, TOKEN);
      await expect(old.sendMessage(messageRequest([textPart('x')]))).rejects.toThrow(/401/);
      const client = await connectA2A(server.url, own);
      const task = (await client.sendMessage(messageRequest([textPart('y')]))) as Task;
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      // The control center's own API keeps its token.
      const res = await fetch(`${server.url}/api/getStats`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      await cp.handlers.updateConfig({ patch: { a2a: { token: undefined } } }).catch(() => undefined);
    }
  });
});
