// Shared by the headless tests: a real control plane with real Python workers
// in a temp data dir, and small HTTP helpers against a loopback server.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { vi } from 'vitest';
import { ControlPlane } from '../control/index';
import { createHeadlessServer, type HeadlessServer, type HeadlessServerOptions } from './server';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const TOKEN = 'test-token-0123456789';

export async function startControlPlane(): Promise<{ cp: ControlPlane; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gcc-headless-'));
  const cp = await ControlPlane.create({
    dataDir: join(dir, 'data'),
    mode: 'headless',
    version: '0.0.0-test',
    runtimeDir: join(REPO, 'python'),
    configOverrides: { pool: { minWorkers: 1, maxWorkers: 2 }, sampling: { intervalMs: 200 } },
  });
  await vi.waitFor(async () => {
    const s = await cp.handlers.getStats({});
    if (s.healthy < 1) throw new Error(`no healthy worker yet (${JSON.stringify(s.startError ?? s)})`);
  }, { timeout: 20_000, interval: 100 });
  return {
    cp,
    dir,
    async cleanup() {
      await cp.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A tiny built-renderer stand-in: the server's static handling is under test, not the app. */
export async function makeStaticDir(parent: string): Promise<string> {
  const dir = join(parent, 'static');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>GCC</title><div id="root"></div>');
  await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log("app")');
  await writeFile(join(dir, 'assets', 'app-1234.css'), 'body{}');
  await writeFile(join(parent, 'secret.txt'), 'TOP-SECRET outside the static dir');
  return dir;
}

// Return type spelled out: inferred, it names undici-types by a path through the shared node_modules symlink (TS2742).
export async function post(base: string, method: string, body: unknown, token: string | null = TOKEN): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined, headers: res.headers };
}

/** A real control plane behind a headless server on a loopback port, with a stand-in static dir. */
export async function startHeadless(
  options: Partial<HeadlessServerOptions> = {},
): Promise<{ cp: ControlPlane; server: HeadlessServer; base: string; staticDir: string; cleanup(): Promise<void> }> {
  const started = await startControlPlane();
  const staticDir = await makeStaticDir(started.dir);
  const server = await createHeadlessServer({ controlPlane: started.cp, token: TOKEN, port: 0, staticDir, ...options });
  return {
    cp: started.cp,
    server,
    base: server.url,
    staticDir,
    async cleanup() {
      await server.close();
      await started.cleanup();
    },
  };
}

/**
 * A request with a raw, un-normalised path (fetch and URL would resolve the dots first).
 * A response cut mid-body resolves with what arrived, so a test can see the cut.
 */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
  body?: string,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      let text = '';
      const done = () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers });
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', reject);
    req.end(body);
  });
}
