// Headless mode's HTTP server (plain node:http, no electron): the built
// renderer at `/`, every contract method at `POST /api/<method>`, the live
// event stream at `GET /api/events`, Prometheus text at `GET /metrics` and
// a liveness probe at `GET /healthz`. Other apps (the A2A gateway) mount
// under their own prefixes on the same port.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpStatusFor } from '../control/api-error';
import { dispatch, isMethodName, type ApiHost } from '../transport/dispatch';
import { JsonLimitError, parseClientJson } from '../transport/json-limits';
import { isAuthorized } from './auth';
import { createEventStream, MAX_EVENT_CLIENTS } from './events';
import { BodyTimeoutError, BodyTooLargeError, MAX_BODY_BYTES, discardBody, readBody, securityHeaders, sendError, sendJson } from './http-util';
import { createPoolMetrics } from './metrics';
import { createLimitedServer, DEFAULT_SERVER_LIMITS, hostChecker, refuseHost, type ServerLimits } from './server-guards';
import { serveStatic } from './static';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Mount {
  prefix: string; // e.g. '/a2a/' or '/.well-known/'
  handler: RequestHandler;
}

export interface HeadlessServerOptions {
  controlPlane: ApiHost;
  token: string;
  host?: string;
  port?: number; // 0 = any free port
  staticDir: string;
  mounts?: Mount[];
  metricsPublic?: boolean; // serve /metrics without the token
  maxBodyBytes?: number;
  /** Names besides loopback and `host` that clients may put in the Host header (DNS rebinding guard). */
  allowedHosts?: string[];
  /** Defaults in server-guards.ts and events.ts; tests lower them. */
  limits?: Partial<ServerLimits & { maxEventClients: number; replayMaxEvents: number }>;
}

export interface HeadlessServer {
  url: string; // http://host:port (no trailing slash)
  port: number;
  /** Mount another app once the URL is known (the A2A gateway puts its base URL in its card). */
  addMount(mount: Mount): void;
  /** Stop taking connections; requests already running still get their answers. */
  stopAccepting(): void;
  /** Stop, cutting whatever is still open. */
  close(): Promise<void>;
}

/** '/a2a/jsonrpc' matches itself and what lies below it, never '/a2a/jsonrpcx'. */
export function mountMatches(prefix: string, path: string): boolean {
  const bare = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === bare || path.startsWith(bare + '/');
}

function checkOptions(o: HeadlessServerOptions): void {
  if (!o.controlPlane?.handlers) throw new TypeError('options.controlPlane must have handlers');
  if (typeof o.token !== 'string' || o.token.length < 8) throw new TypeError('options.token must be a string of at least 8 characters');
  if (typeof o.staticDir !== 'string' || !o.staticDir) throw new TypeError('options.staticDir must be a directory path');
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535)) {
    throw new TypeError('options.port must be an integer 0..65535');
  }
  hostChecker('127.0.0.1', 0, o.allowedHosts); // throws naming a malformed allowedHosts entry
  for (const m of o.mounts ?? []) {
    if (!m.prefix.startsWith('/')) throw new TypeError(`options.mounts prefix "${m.prefix}" must start with "/"`);
  }
}

export async function createHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  checkOptions(options);
  const { controlPlane, token, host = '127.0.0.1', port = 7420, staticDir } = options;
  const apiHandlers = controlPlane.handlersFor?.('http') ?? controlPlane.handlers; // the trail says "via the HTTP API"
  const mounts = [...(options.mounts ?? [])];
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const limits = { ...DEFAULT_SERVER_LIMITS, maxEventClients: MAX_EVENT_CLIENTS, ...options.limits };
  const events = createEventStream(controlPlane, { maxClients: limits.maxEventClients, replayMaxEvents: options.limits?.replayMaxEvents });
  const metrics = createPoolMetrics(controlPlane);

  async function callMethod(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, 'ERR_METHOD_NOT_ALLOWED', 'API methods are called with POST');
    }
    if (!isMethodName(method)) return sendError(res, 404, 'ERR_NOT_FOUND', `Unknown method "${method}"`);
    let text: string;
    try {
      text = await readBody(req, maxBody, limits.requestTimeoutMs);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        discardBody(req);
        return sendError(res, 413, err.code, err.message);
      }
      if (err instanceof BodyTimeoutError) {
        res.setHeader('Connection', 'close');
        return sendError(res, 408, err.code, err.message);
      }
      throw err;
    }
    let raw: unknown;
    try {
      raw = text.trim() === '' ? {} : parseClientJson(text);
    } catch (err) {
      if (err instanceof JsonLimitError) return sendError(res, 400, err.code, err.message, { issues: [{ path: err.path, message: err.message }] });
      return sendError(res, 400, 'ERR_VALIDATION', `Body is not valid JSON: ${(err as Error).message}`, {
        issues: [{ path: '(root)', message: 'invalid JSON' }],
      });
    }
    const result = await dispatch(apiHandlers, method, raw);
    if (result.ok) return sendJson(res, 200, result.value ?? null);
    sendJson(res, httpStatusFor(result.error), result.error);
  }

  // Public (probes carry no token), so the start error's text — paths, module names — only goes to token holders.
  async function healthz(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const stats = await controlPlane.handlers.getStats({});
    const ok = stats.healthy > 0;
    sendJson(res, ok ? 200 : 503, {
      status: ok ? 'ok' : 'unhealthy',
      healthyWorkers: stats.healthy,
      totalWorkers: stats.total,
      ...(stats.startError && isAuthorized(req, url, token) ? { startError: stats.startError } : {}),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const mount = mounts.find((m) => mountMatches(m.prefix, path));
    if (mount) return mount.handler(req, res);
    securityHeaders(res);

    if (path === '/healthz') return healthz(req, url, res);
    if (path === '/metrics') {
      if (!options.metricsPublic && !isAuthorized(req, url, token)) return unauthorized(res);
      const text = await metrics.render();
      res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
      return void res.end(text);
    }
    if (path === '/api/events') {
      if (!isAuthorized(req, url, token, true)) return unauthorized(res);
      if (req.method !== 'GET') return sendError(res, 405, 'ERR_METHOD_NOT_ALLOWED', 'The event stream is read with GET');
      return events.attach(req, res, url);
    }
    if (path.startsWith('/api/')) {
      if (!isAuthorized(req, url, token)) {
        discardBody(req);
        return unauthorized(res);
      }
      return callMethod(req, res, path.slice('/api/'.length));
    }
    return serveStatic(staticDir, req, res, path);
  }

  function unauthorized(res: ServerResponse): void {
    res.setHeader('WWW-Authenticate', 'Bearer realm="greenlet-control-center"');
    sendError(res, 401, 'ERR_UNAUTHORIZED', 'Missing or wrong token: send "Authorization: Bearer <token>"');
  }

  let hostOk: (host: string | undefined) => boolean = () => false; // set once the port is known
  let expectedHost = '';
  const server = createLimitedServer((req, res) => {
    // Before routing, so the mounted A2A routes are guarded too.
    if (!hostOk(req.headers.host)) return refuseHost(req, res, expectedHost);
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendError(res, 500, 'ERR_INTERNAL', err instanceof Error ? err.message : String(err));
    });
  }, limits);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  hostOk = hostChecker(host, actualPort, options.allowedHosts);
  expectedHost = `${urlHost}:${actualPort}`;

  const api: HeadlessServer = {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    addMount(mount) {
      checkOptions({ ...options, mounts: [mount] });
      mounts.push(mount);
    },
    stopAccepting() {
      if (!closed) closed = new Promise<void>((resolve) => server.close(() => resolve()));
      events.close(); // open streams would keep close() waiting
      server.closeIdleConnections();
    },
    async close() {
      api.stopAccepting();
      metrics.close();
      server.closeAllConnections();
      await closed;
    },
  };
  return api;
}
