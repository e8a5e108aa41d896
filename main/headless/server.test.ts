// The HTTP transport against a real loopback server and the real control
// plane with real Python workers: auth, routing, validation, limits, every
// method, the event stream, Prometheus text, health and static files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../common/contract';
import type { MethodInput, MethodName } from '../../common/contract';
import type { ControlPlane } from '../control/index';
import { createHeadlessServer, type HeadlessServer } from './server';
import { TOKEN, mountA2A, post, rawRequest, readEventFrames, startHeadless } from './test-helpers';

let cp: ControlPlane;
let server: HeadlessServer;
let base: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const h = await startHeadless();
  ({ cp, server, base, cleanup } = h);
}, 60_000);

afterAll(() => cleanup?.(), 60_000);

const rawGet = (path: string, headers: Record<string, string> = {}) => rawRequest(base, 'GET', path, headers);

describe('auth', () => {
  it('answers 401 without a token and with a wrong one', async () => {
    const missing = await post(base, 'getConfig', {}, null);
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('ERR_UNAUTHORIZED');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post(base, 'getConfig', {}, 'wrong-token-xxxxxxxx')).status).toBe(401);
    expect((await post(base, 'getConfig', {}, TOKEN.slice(0, -1))).status).toBe(401);
  });

  it('does not accept the token in the query string for API calls', async () => {
    const res = await fetch(`${base}/api/getConfig?token=${TOKEN}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('guards the event stream and /metrics too', async () => {
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
    expect((await fetch(`${base}/api/events?token=nope-nope-nope`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
  });
});

describe('routing and validation', () => {
  it('answers 404 for an unknown method', async () => {
    const r = await post(base, 'dropAllTables', {});
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 'ERR_NOT_FOUND', message: expect.stringContaining('dropAllTables') });
  });

  it('answers 405 for GET on a method', async () => {
    const res = await fetch(`${base}/api/getConfig`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
  });

  it('answers 400 naming every bad field of a config update, and changes nothing', async () => {
    const before = (await post(base, 'getConfig', {})).body;
    const r = await post(base, 'updateConfig', { patch: { pool: { minWorkers: 0, maxWorkers: 'ten', loadBalancingStrategy: 'fastest' } } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('ERR_VALIDATION');
    const paths = (r.body.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['pool.minWorkers', 'pool.maxWorkers', 'pool.loadBalancingStrategy']));
    expect((await post(base, 'getConfig', {})).body).toEqual(before);
  });

  it('answers 400 naming the fields the contract schema rejects', async () => {
    const r = await post(base, 'startLoad', { rate: -5, count: 'many', extra: 1 });
    expect(r.status).toBe(400);
    const paths = (r.body.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['rate', 'count']));
    expect(r.body.message).toMatch(/extra/);
    expect((await post(base, 'getLoadStatus', {})).body.running).toBe(false);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const r = await post(base, 'getStats', '{not json');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('ERR_VALIDATION');
  });

  it('answers 413 for a body over 1 MiB, without calling the method', async () => {
    const before = (await post(base, 'getStats', {})).body.totalMessagesProcessed;
    const r = await post(base, 'submitTask', { data: 'x'.repeat(2 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('ERR_BODY_TOO_LARGE');
    expect((await post(base, 'getStats', {})).body.totalMessagesProcessed).toBe(before);
  });

  it('maps an engine error to its HTTP status with the ApiErrorShape body', async () => {
    const r = await post(base, 'recycleWorker', { workerId: 'no-such-worker' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body).toMatchObject({ code: expect.stringMatching(/^ERR_/), message: expect.any(String) });
  });
});

describe('health and metrics', () => {
  it('serves /healthz without auth', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', healthyWorkers: expect.any(Number) });
  });

  it('serves Prometheus text with gauges, counters and a cumulative latency histogram', async () => {
    for (let i = 0; i < 5; i++) expect((await post(base, 'submitTask', { data: { i, sleep_ms: 5 } })).status).toBe(200);
    // The histogram is the engine's own: the answered tasks are in it at once.
    let text = '';
    await expect
      .poll(
        async () => {
          const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
          expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
          text = await res.text();
          return Number(/^greenlet_pool_message_latency_seconds_count (\S+)$/m.exec(text)?.[1] ?? 0);
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(5);

    const sampleLine = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.]+(e[+-]?\d+)?|NaN|[+-]Inf)$/;
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(sampleLine);
    expect(text).toMatch(/^# TYPE greenlet_pool_message_latency_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE greenlet_pool_messages_processed_total counter$/m);
    const ready = [...text.matchAll(/^greenlet_pool_workers\{state="(?:idle|busy)"\} (\S+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(ready).toBeGreaterThanOrEqual(1);
    expect(Number(/^greenlet_pool_messages_processed_total (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/^greenlet_worker_online\{worker="[^"]+"\} 1$/m);

    const buckets = [...text.matchAll(/^greenlet_pool_message_latency_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map((m) => Number(m[2]));
    expect(buckets.length).toBeGreaterThan(5);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
    expect(buckets.at(-1)).toBe(Number(/^greenlet_pool_message_latency_seconds_count (\S+)$/m.exec(text)?.[1]));
  });

  it('keeps counters monotonic when the pool restarts and its totals start again from zero', async () => {
    const scrape = async () => {
      const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      return Number(/^greenlet_pool_messages_processed_total (\S+)$/m.exec(text)?.[1]);
    };
    expect((await post(base, 'submitTask', { data: 'before' })).status).toBe(200);
    const before = await scrape();
    expect(before).toBeGreaterThan(0);
    expect((await post(base, 'restartPool', {})).status).toBe(200);
    await expect.poll(async () => (await post(base, 'getStats', {})).body.healthy, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await post(base, 'submitTask', { data: 'after' })).status).toBe(200);
    expect(await scrape()).toBeGreaterThan(before);
  }, 40_000);

  it('opens /metrics without a token only when asked to', async () => {
    const open = await createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir: '/nonexistent', metricsPublic: true });
    try {
      const res = await fetch(`${open.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^greenlet_pool_queue_capacity \d+$/m);
      expect((await fetch(`${open.url}/api/getConfig`, { method: 'POST' })).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('event stream', () => {
  it('delivers metrics.sample and log events as server-sent events', async () => {
    let change: ReturnType<typeof post> | undefined;
    const seen = new Map<string, unknown>();
    await readEventFrames(
      `${base}/api/events?token=${TOKEN}`,
      (fs) => {
        for (const f of fs) if (f.event && f.data !== undefined) seen.set(f.event, f.data);
        return seen.has('metrics.sample') && seen.has('log');
      },
      {
        onOpen: (res) => {
          expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
          // A config change is logged; samples arrive every 200 ms on their own.
          change = post(base, 'updateConfig', { patch: { alerts: { errorRatePct: 12 } } });
        },
      },
    );
    expect(change).toBeDefined();
    expect((await change!).status).toBe(200);
    expect(seen.get('metrics.sample')).toMatchObject({ t: expect.any(Number), workers: expect.any(Array) });
    expect(seen.get('log')).toMatchObject({ seq: expect.any(Number), message: expect.any(String) });
  });
});

describe('static files', () => {
  it('serves the app shell at / with a CSP and the right MIME types for assets', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await res.text()).toContain('<div id="root">');
    const js = await fetch(`${base}/assets/app-1234.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${base}/assets/app-1234.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('falls back to the app shell for client routes, but not for missing assets', async () => {
    const route = await fetch(`${base}/workers/w-1`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('refuses paths that climb out of the static directory', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/a%00.js',
    ]) {
      const r = await rawGet(path);
      expect(r.body, path).not.toContain('TOP-SECRET');
      expect([403, 404], path).toContain(r.status);
    }
  });
});

describe('mounts', () => {
  it('routes mounted prefixes (the real A2A gateway) before its own routes', async () => {
    mountA2A(server, cp);
    const card = await fetch(`${base}/.well-known/agent-card.json`);
    expect(card.status).toBe(200);
    const json = await card.json();
    expect(json).toMatchObject({ name: expect.any(String) });
    expect(JSON.stringify(json)).toContain(`${base}/a2a/jsonrpc`); // the card points at this server
    const rpc = await fetch(`${base}/a2a/jsonrpc`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(rpc.status).toBe(401); // the gateway's own bearer guard answered
  });
});

// Minimal valid input for every method; the Record type makes a new contract method fail to compile here.
const minimal: { [M in MethodName]: MethodInput<M> | 'skip' } = {
  getAppInfo: {},
  getConfig: {},
  previewConfig: { patch: { pool: { maxRetries: 2 } } },
  updateConfig: { patch: { alerts: { queueFillPct: 81 } } },
  getStats: {},
  getDetailedStats: {},
  getMetricsHistory: { rangeMs: 60_000 },
  getAlerts: {},
  getEvents: { limit: 10 },
  recycleWorker: { workerId: '<first worker>' },
  recycleAll: {},
  restartPool: {},
  scale: { minWorkers: 1, maxWorkers: 2 },
  submitTask: { data: 'hello' },
  getTaskProgress: { trackId: 'none-such' },
  startLoad: { rate: 5, count: 3 },
  stopLoad: {},
  getLoadStatus: {},
  exportSnapshot: { format: 'csv', rangeMs: 60_000 },
  checkPythonEnv: {},
  // Creating a venv and pip-installing gevent takes minutes: its route is proven by the 400 below instead.
  setupPythonEnv: 'skip',
  validateAgent: { agent: 'echo_agent:EchoAgent' },
  getHosts: {},
  // Single-machine mode: these answer ERR_CLUSTER_DISABLED (cluster tests cover them); their routes are proven by the 400.
  controlHost: 'skip',
  getDeadLetters: 'skip',
  requeueDeadLetter: 'skip',
  // one short step on a throw-away pool; cancel and export then name it
  startExperiment: { spec: { vary: [{ setting: 'workers', values: [1] }], load: { rate: 5 }, warmupMs: 0, measureMs: 500 } },
  cancelExperiment: { id: '<the started experiment>' },
  listExperiments: {},
  exportExperiment: { id: '<the started experiment>', format: 'html' },
};

describe('every contract method', () => {
  it('answers 200 over HTTP with a valid minimal input', async () => {
    const workers = (await post(base, 'getDetailedStats', {})).body.workers as Array<{ id: string }>;
    const answered: string[] = [];
    let experimentId = '';
    for (const method of methodNames) {
      let input = minimal[method];
      if (input === 'skip') {
        // controlHost's input is a union keyed by op: without one, zod names the op, not the stray key
        const r = await post(base, method, method === 'controlHost' ? { hostId: 'all', op: 'stats', unexpected: true } : { unexpected: true });
        expect(r.status, method).toBe(400);
        expect(r.body.message).toMatch(/unexpected/);
        answered.push(method);
        continue;
      }
      if (method === 'recycleWorker') input = { workerId: workers[0]!.id };
      if (method === 'cancelExperiment') input = { id: experimentId };
      if (method === 'exportExperiment') input = { id: experimentId, format: 'html' };
      const r = await post(base, method, input);
      if (method === 'startExperiment') experimentId = r.body.id;
      expect(r.status, `${method}: ${JSON.stringify(r.body)}`).toBe(200);
      answered.push(method);
    }
    expect(answered).toEqual(methodNames);
    // Spot-check that the answers are the real ones, not just 200s.
    expect((await post(base, 'submitTask', { data: 'ping' })).body).toMatchObject({ result: 'ping', workerId: expect.any(String) });
    expect((await post(base, 'getAppInfo', {})).body).toMatchObject({ mode: 'headless', version: '0.0.0-test' });
  }, 90_000);
});
