// Edge cases an operator or a security reviewer would hit: a static file that
// cannot be read, event-stream clients around shutdown, bodies that never end.
// Real loopback servers and a real control plane with real Python workers.
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, rawRequest, startHeadless } from './test-helpers';

let base: string;
let staticDir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const h = await startHeadless();
  ({ base, staticDir, cleanup } = h);
}, 60_000);

afterAll(() => cleanup?.(), 60_000);

const raw = (method: string, path: string, headers: Record<string, string | number> = {}, body?: string) =>
  rawRequest(base, method, path, headers, body);

describe('static files', () => {
  it('a file that stats fine but cannot be read cuts that response only; the server keeps serving', async () => {
    // /proc/self/mem is a regular file to stat() and fails with EIO on read: a stand-in for a
    // file deleted or unreadable between stat and read. An unhandled stream error would kill the process.
    await symlink('/proc/self/mem', join(staticDir, 'unreadable.js'));
    await raw('GET', '/unreadable.js').catch(() => undefined);
    expect((await raw('GET', '/healthz')).status).toBe(200);
    expect((await post(base, 'getConfig', {})).status).toBe(200);
  });
});

describe('config input', () => {
  it('a timer setting too large for a Node timer is a 400 naming it, and nothing changes', async () => {
    const before = (await post(base, 'getConfig', {})).body;
    const res = await post(base, 'updateConfig', { patch: { sampling: { intervalMs: 3_000_000_000 } } });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['sampling.intervalMs']);
    expect((await post(base, 'getConfig', {})).body).toEqual(before);
  });
});
