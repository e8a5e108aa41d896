// Edge cases an operator or a security reviewer would hit: a static file that
// cannot be read, event-stream clients around shutdown, bodies that never end.
// Real loopback servers and a real control plane with real Python workers.
import { symlink } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../control/index';
import { createHeadlessServer, type HeadlessServer } from './server';
import { TOKEN, makeStaticDir, post, startControlPlane } from './test-helpers';

let cp: ControlPlane;
let server: HeadlessServer;
let base: string;
let staticDir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const started = await startControlPlane();
  cp = started.cp;
  staticDir = await makeStaticDir(started.dir);
  server = await createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir });
  base = server.url;
  cleanup = async () => {
    await server.close();
    await started.cleanup();
  };
}, 60_000);

afterAll(() => cleanup?.(), 60_000);

function raw(method: string, path: string, headers: Record<string, string | number> = {}, body?: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

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
