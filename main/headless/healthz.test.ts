// /healthz when no worker can start: 503 with the real Python error, so a
// load balancer takes the node out and the operator sees why.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createPlane } from '../control/test-support/plane';
import { createHeadlessServer } from './server';
import { REPO, TOKEN } from './test-helpers';

it('answers 503 without auth while no worker is healthy; token holders also see the start error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gcc-healthz-'));
  const cp = await createPlane(
    dir,
    { pool: { minWorkers: 1, maxWorkers: 1, agent: 'no_such_module:Nope' } },
    { version: '0.0.0-test', runtimeDir: join(REPO, 'python') },
  );
  const server = await createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir: dir });
  try {
    let body: unknown;
    await expect
      .poll(
        async () => {
          const res = await fetch(`${server.url}/healthz`);
          body = await res.json();
          return res.status;
        },
        { timeout: 15_000 },
      )
      .toBe(503);
    expect(body).toEqual({ status: 'unhealthy', healthyWorkers: 0, totalWorkers: 0 });
    const withToken = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(503);
    expect(await withToken.json()).toMatchObject({ status: 'unhealthy', startError: expect.stringContaining('no_such_module') });
  } finally {
    await server.close();
    await cp.stop();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
