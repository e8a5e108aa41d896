// The renderer's HTTP client (renderer/src/api/http.ts) against the real
// headless server, through a loopback TCP proxy the test can cut: after a cut
// it resumes from its last event id — by the Last-Event-ID header on the
// EventSource's own retry, and by ?lastEventId= when it has to open a new
// EventSource — so no log line is missed; after a server restart it is told
// to resync and reports the gap. EventSource is undici's (the browser's
// interface; Node 20 has no global one).
import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LogEvent } from '../../common/contract';
import type { ControlPlane } from '../control/index';
import { createHeadlessServer, type HeadlessServer } from './server';
import { TOKEN, makeStaticDir, post, startControlPlane } from './test-helpers';

// The client is DOM code (tsconfig.web); this node-side test names only what it uses.
type LinkState = 'connecting' | 'open' | 'lost';
interface ClientTransport {
  api: { on(event: 'log', listener: (e: LogEvent) => void): () => void };
  onLink(listener: (state: LinkState, detail?: string) => void): () => void;
  close(): void;
}
type CreateHttpTransport = (o: { baseUrl: string; token: string; EventSourceImpl: unknown; reconnectDelaysMs: number[] }) => ClientTransport;
const CLIENT_MODULE = '../../renderer/src/api/http'; // not a literal import: keeps DOM types out of the node project

/** A TCP proxy to `target` that remembers each request's line and headers, can cut every connection and refuse new ones. */
function startProxy(target: () => number) {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(target(), '127.0.0.1');
    sockets.add(client).add(upstream);
    // Requests may share a kept-alive connection: note every chunk that starts one.
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (/^[A-Z]+ \S+ HTTP\/1\.1\r\n/.test(text)) requests.push(text.split('\r\n\r\n')[0]!);
    });
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy(), sockets.delete(client), sockets.delete(upstream));
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return {
    requests,
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port))),
    cut: () => sockets.forEach((s) => s.destroy()),
    setDown: (d: boolean) => void (down = d),
    close: () => (sockets.forEach((s) => s.destroy()), new Promise<void>((r) => server.close(() => r()))),
  };
}

let cp: ControlPlane;
let staticDir: string;
let stopPlane: () => Promise<void>;
let createHttpTransport: CreateHttpTransport;
let EventSourceImpl: unknown;

beforeAll(async () => {
  const p = await startControlPlane();
  ({ cp } = p);
  stopPlane = p.cleanup;
  staticDir = await makeStaticDir(p.dir);
  ({ createHttpTransport } = (await import(/* @vite-ignore */ CLIENT_MODULE)) as { createHttpTransport: CreateHttpTransport });
  EventSourceImpl = (globalThis as { EventSource?: unknown }).EventSource ?? (await import('undici')).EventSource;
}, 60_000);

afterAll(() => stopPlane?.(), 60_000);

let flip = 0;
/** One new line in the event log (a config change is logged). */
const logSomething = (base: string) => post(base, 'updateConfig', { patch: { alerts: { errorRatePct: 10 + (++flip % 2) } } });
const WAIT = { timeout: 15_000, interval: 50 };

describe('HTTP client resuming the event stream', () => {
  it('misses no log line across a cut, by Last-Event-ID and, when it must open a new EventSource, ?lastEventId=', async () => {
    // One stream at a time, so a second client can hold the slot and force the 503 path.
    let serverPort = 0;
    const proxy = startProxy(() => serverPort);
    const proxyPort = await proxy.listen();
    // The proxy passes the client's Host (127.0.0.1:<proxy port>) through, as a reverse proxy may.
    const server = await createHeadlessServer({
      controlPlane: cp,
      token: TOKEN,
      port: 0,
      staticDir,
      limits: { maxEventClients: 1 },
      allowedHosts: [`127.0.0.1:${proxyPort}`],
    });
    serverPort = server.port;
    const t = createHttpTransport({ baseUrl: `http://127.0.0.1:${proxyPort}`, token: TOKEN, EventSourceImpl, reconnectDelaysMs: [100] });
    const seqs: number[] = [];
    t.api.on('log', (e) => seqs.push(e.seq));
    try {
      await logSomething(server.url);
      await vi.waitFor(() => expect(seqs.length).toBeGreaterThan(0), WAIT);

      proxy.setDown(true);
      proxy.cut();
      // Take the only stream slot while the client cannot reach the server: its next retry
      // gets 503, EventSource gives up, and the client has to open a new one.
      const blocker = new AbortController();
      await vi.waitFor(async () => {
        const res = await fetch(`${server.url}/api/events?token=${TOKEN}`, { signal: blocker.signal });
        expect(res.status).toBe(200);
      }, WAIT);
      proxy.setDown(false);
      const missedFrom = (await logSomething(server.url), await logSomething(server.url), await logSomething(server.url));
      expect(missedFrom.status).toBe(200);
      await vi.waitFor(() => expect(proxy.requests.some((r) => /^last-event-id: /im.test(r))).toBe(true), WAIT);
      await vi.waitFor(() => expect(proxy.requests.some((r) => /[?&]lastEventId=[^&\s]+/.test(r.split('\r\n')[0]!))).toBe(true), WAIT);
      const before = seqs.length;
      expect(before).toBeGreaterThan(0);
      blocker.abort();

      const newest = Math.max(...(await cp.handlers.getEvents({})).map((e) => e.seq));
      await vi.waitFor(() => expect(seqs.at(-1)).toBeGreaterThanOrEqual(newest), WAIT);
      // every line from the first one seen, each once, in order
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    } finally {
      t.close();
      await proxy.close();
      await server.close();
    }
  });

  it('after a server restart it is told to resync and reports the gap as lost, then open (the UI re-reads state)', async () => {
    let targetPort = 0;
    const proxy = startProxy(() => targetPort);
    const proxyPort = await proxy.listen();
    const serve = () => createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir, allowedHosts: [`127.0.0.1:${proxyPort}`] });
    const first = await serve();
    targetPort = first.port;
    const t = createHttpTransport({ baseUrl: `http://127.0.0.1:${proxyPort}`, token: TOKEN, EventSourceImpl, reconnectDelaysMs: [100] });
    const links: [LinkState, string | undefined][] = [];
    t.onLink((s, d) => links.push([s, d]));
    let second: HeadlessServer | undefined;
    try {
      await vi.waitFor(() => expect(links.at(-1)?.[0]).toBe('open'), WAIT);
      second = await serve(); // a new run: its ids differ
      targetPort = second.port;
      proxy.cut();
      await vi.waitFor(() => expect(links.some(([s, d]) => s === 'lost' && /events missed/.test(d ?? ''))).toBe(true), WAIT);
      expect(links.at(-1)?.[0]).toBe('open');
      expect(proxy.requests.at(-1)).toMatch(/^last-event-id: /im);
    } finally {
      t.close();
      await proxy.close();
      await first.close();
      await second?.close();
    }
  });
});
