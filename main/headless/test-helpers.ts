// Shared by the headless tests: a real control plane with real Python workers
// in a temp data dir, and small HTTP helpers against a loopback server.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createA2AMount } from '../a2a/index';
import type { ControlPlane } from '../control/index';
import { createPlane, waitHealthy } from '../control/test-support/plane';
import type { ConfigPatch } from '../../common/schemas';
import { createHeadlessServer, type HeadlessServer, type HeadlessServerOptions } from './server';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const TOKEN = 'test-token-0123456789';

/** `pool`: options over the small test pool (1..2 workers). */
export async function startControlPlane(pool: ConfigPatch['pool'] = {}): Promise<{ cp: ControlPlane; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gcc-headless-'));
  const cp = await createPlane(
    join(dir, 'data'),
    { pool: { minWorkers: 1, maxWorkers: 2, ...pool }, sampling: { intervalMs: 200 } },
    { version: '0.0.0-test', runtimeDir: join(REPO, 'python') },
  );
  await waitHealthy(cp);
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
export async function post(
  base: string,
  method: string,
  body: unknown,
  token: string | null = TOKEN,
): Promise<{ status: number; body: any; headers: Headers }> {
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
  pool: ConfigPatch['pool'] = {},
): Promise<{ cp: ControlPlane; server: HeadlessServer; base: string; staticDir: string; cleanup(): Promise<void> }> {
  const started = await startControlPlane(pool);
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

/** Mounts the real A2A gateway on `server` (Agent Card and JSON-RPC on its port, the test token), as serve.ts does. */
export function mountA2A(server: HeadlessServer, cp: ControlPlane): void {
  const mount = createA2AMount(cp, { token: TOKEN, baseUrl: server.url });
  for (const prefix of mount.prefixes) server.addMount({ prefix, handler: mount.handler });
}

/**
 * One real control plane for a whole test file, started in beforeAll and stopped in afterAll,
 * with `serve(limits)` opening another headless server over it (each closed in afterAll):
 * for files that compare servers with different limits over the same workers.
 */
export function sharedPlane(): {
  cp(): ControlPlane;
  serve(limits?: HeadlessServerOptions['limits']): Promise<HeadlessServer>;
} {
  let started: Awaited<ReturnType<typeof startControlPlane>> | undefined;
  let staticDir = '';
  const servers: HeadlessServer[] = [];
  beforeAll(async () => {
    started = await startControlPlane();
    staticDir = await makeStaticDir(started.dir);
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) await s.close();
    await started?.cleanup();
  }, 60_000);
  // Plain closures, not methods, so a test file can destructure them.
  const cp = (): ControlPlane => {
    if (!started) throw new Error('sharedPlane().cp() called before beforeAll ran');
    return started.cp;
  };
  const serve = async (limits?: HeadlessServerOptions['limits']): Promise<HeadlessServer> => {
    const s = await createHeadlessServer({ controlPlane: cp(), token: TOKEN, port: 0, staticDir, limits });
    servers.push(s);
    return s;
  };
  return { cp, serve };
}

/** One parsed server-sent event: the fields a frame carried (data JSON-parsed). */
export interface EventFrame {
  id?: string;
  event?: string;
  data?: unknown;
}

/**
 * Opens the event stream at `url` (expecting 200) and reads frames until `until` says stop or the
 * stream ends, then aborts it. `onOpen` sees the response before the first read (to check headers
 * or to start whatever should produce the events).
 */
export async function readEventFrames(
  url: string,
  until: (frames: EventFrame[]) => boolean,
  { headers = {}, onOpen }: { headers?: Record<string, string>; onOpen?: (res: Response) => void } = {},
): Promise<EventFrame[]> {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal, headers });
  expect(res.status).toBe(200);
  onOpen?.(res);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const frames: EventFrame[] = [];
  let buffer = '';
  try {
    while (!until(frames)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1];
        const data = field('data');
        if (field('event')) frames.push({ id: field('id'), event: field('event'), data: data === undefined ? undefined : JSON.parse(data) });
      }
    }
  } finally {
    ctrl.abort();
  }
  return frames;
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
