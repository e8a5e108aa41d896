// DNS rebinding: a page on evil.example whose name later resolves to
// 127.0.0.1 reaches our port with `Host: evil.example:<port>`. Every route —
// ours, the A2A routes mounted on the same server, and the desktop app's own
// A2A port — answers 421 to a Host that is not this server. Real loopback
// servers and a real control plane with real Python workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startA2AServer, type A2AServer } from '../a2a/index';
import { hostChecker } from './server-guards';
import { TOKEN, mountA2A, rawRequest, startHeadless } from './test-helpers';

let base: string;
let port: number;
let a2a: A2AServer;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const h = await startHeadless();
  ({ base, cleanup } = h);
  port = h.server.port;
  mountA2A(h.server, h.cp);
  a2a = await startA2AServer({ controlPlane: h.cp, token: TOKEN });
}, 60_000);

afterAll(async () => {
  await a2a?.close();
  await cleanup?.();
}, 60_000);

const auth = { authorization: `Bearer ${TOKEN}` };
const routes: [method: string, path: string, headers: Record<string, string>][] = [
  ['GET', '/healthz', {}],
  ['GET', '/', {}],
  ['GET', '/metrics', auth],
  ['GET', '/api/events', auth],
  ['POST', '/api/getConfig', { ...auth, 'content-type': 'application/json' }],
  ['GET', '/.well-known/agent-card.json', {}],
  ['POST', '/a2a/jsonrpc', { ...auth, 'content-type': 'application/json' }],
];

describe('Host header on the headless server', () => {
  it.each(routes)('%s %s answers 421 ERR_HOST_NOT_ALLOWED to a foreign Host', async (method, path, headers) => {
    const res = await rawRequest(base, method, path, { ...headers, host: `evil.example:${port}` }, method === 'POST' ? '{}' : undefined);
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'ERR_HOST_NOT_ALLOWED', message: expect.stringContaining('evil.example') });
  });

  it('accepts 127.0.0.1, localhost and [::1] with the bound port, and nothing on another port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(base, 'GET', '/healthz', { host })).status, host).toBe(200);
    }
    expect((await rawRequest(base, 'GET', '/healthz', { host: `127.0.0.1:${port + 1}` })).status).toBe(421);
    expect((await rawRequest(base, 'GET', '/healthz', { host: 'localhost' })).status).toBe(421); // port 80 implied
    expect((await rawRequest(base, 'GET', '/healthz', { host: `user@127.0.0.1:${port}` })).status).toBe(421);
  });

  it('lets the mounted A2A routes answer when the Host is right', async () => {
    const card = await rawRequest(base, 'GET', '/.well-known/agent-card.json', { host: `localhost:${port}` });
    expect(card.status).toBe(200);
  });
});

describe("Host header on the desktop app's A2A port", () => {
  it('answers 421 to a foreign Host and serves the card to a loopback one', async () => {
    const a2aPort = Number(new URL(a2a.url).port);
    const bad = await rawRequest(a2a.url, 'GET', '/.well-known/agent-card.json', { host: `rebind.example:${a2aPort}` });
    expect(bad.status).toBe(421);
    expect(JSON.parse(bad.body).code).toBe('ERR_HOST_NOT_ALLOWED');
    const rpc = await rawRequest(a2a.url, 'POST', '/a2a/jsonrpc', { ...auth, host: `rebind.example:${a2aPort}` }, '{}');
    expect(rpc.status).toBe(421);
    expect((await rawRequest(a2a.url, 'GET', '/.well-known/agent-card.json', { host: `localhost:${a2aPort}` })).status).toBe(200);
  });
});

describe('hostChecker', () => {
  it('accepts the configured host name, and extra names the operator allows', () => {
    const ok = hostChecker('gcc.lan', 7420, ['ops.example.com', '127.0.0.1:8080']);
    expect(ok('gcc.lan:7420')).toBe(true);
    expect(ok('GCC.LAN:7420')).toBe(true);
    expect(ok('gcc.lan:7421')).toBe(false);
    expect(ok('ops.example.com')).toBe(true); // a reverse proxy on :80 passing its own Host
    expect(ok('ops.example.com:8443')).toBe(true);
    expect(ok('127.0.0.1:8080')).toBe(true); // a local proxy on another port
    expect(ok('127.0.0.1:8081')).toBe(false);
    expect(ok('127.0.0.1:7420')).toBe(true);
    expect(ok('other.lan:7420')).toBe(false);
    expect(ok(undefined)).toBe(false);
  });

  it('on a wildcard bind accepts any IP literal (no DNS name, so no rebinding) but no other name', () => {
    const ok = hostChecker('0.0.0.0', 7420);
    expect(ok('192.168.1.20:7420')).toBe(true);
    expect(ok('[fe80::1]:7420')).toBe(true);
    expect(ok('attacker.example:7420')).toBe(false);
    expect(hostChecker('::', 80)('10.0.0.1')).toBe(true); // browsers omit :80
    expect(hostChecker('127.0.0.1', 7420)('192.168.1.20:7420')).toBe(false);
  });

  it('refuses a malformed allowedHosts entry by name', () => {
    expect(() => hostChecker('127.0.0.1', 1, ['http://x/'])).toThrow(/options.allowedHosts entry "http:\/\/x\/"/);
  });

  it('normalises an IPv6 bind address', () => {
    expect(hostChecker('::1', 9000)('[::1]:9000')).toBe(true);
    expect(hostChecker('fd00::5', 9000)('[fd00::5]:9000')).toBe(true);
  });
});
