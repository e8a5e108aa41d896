// The A2A gateway: the pooled agent behind the Agent2Agent protocol, built on
// the official SDK (@a2a-js/sdk, protocol 1.0, JSON-RPC binding). One express
// app serves the Agent Card at /.well-known/agent-card.json (public: it
// advertises the bearer scheme) and JSON-RPC at /a2a/jsonrpc (bearer token).
// createA2AMount() hands that app to the headless server's port;
// startA2AServer() gives it its own loopback port (desktop app, tests, bench).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AGENT_CARD_PATH, type AgentCard } from '@a2a-js/sdk';
import { agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';
import { legacyAgentCardRouter } from '@a2a-js/sdk/compat/v0_3/server/express';
import { a2aSchema, type A2AConfig } from '../../common/schemas';
import { MAX_BODY_BYTES } from '../headless/http-util';
import { createLimitedServer, hostChecker, refuseHost } from '../headless/server-guards';
import { bearerUser, bearerUserBuilder, requireBearer } from './auth';
import { GatewayRequestHandler } from './blocking-send';
import { withFastSendMessage } from './fast-rpc';
import { jsonRpcBody } from './body';
import { expandLeanResponses } from './lean-json';
import { agentCardJson, buildAgentCard, JSONRPC_PATH } from './card';
import { PoolAgentExecutor } from './executor';
import { BoundedTaskStore } from './task-store';
import type { A2AControlPlane, A2ADeps, A2AHost, AgentInfo, ResolvedHost } from './types';

export type { A2AControlPlane, A2ADeps, A2AHost, A2APool, AgentInfo, ExternalTaskRecord } from './types';
export { partsToData, resultToParts } from './parts';
export { JSONRPC_PATH } from './card';
export const AGENT_CARD_URL_PATH = `/${AGENT_CARD_PATH}`;

export class A2AGatewayError extends Error {
  constructor(
    readonly code: 'ERR_A2A_NO_TOKEN' | 'ERR_A2A_NON_LOOPBACK',
    message: string,
  ) {
    super(message);
    this.name = 'A2AGatewayError';
  }
}

export interface A2AMountOptions {
  token: string; // the control center's token; config a2a.token wins when set
  baseUrl: string; // where clients reach this app, e.g. http://127.0.0.1:8080
  version?: string; // agent card version
  maxTasks?: number; // tasks kept for tasks/get, default 10000
  maxBodyBytes?: number; // JSON-RPC body limit, default the HTTP API's (MAX_BODY_BYTES, 1 MiB)
}

export interface A2AMount {
  prefixes: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly card: AgentCard; // the current card (skills follow the registered agent)
  a2aUrl: string;
  agentCardUrl: string;
  executor: PoolAgentExecutor;
  taskStore: BoundedTaskStore;
}

const isControlPlane = (h: A2AHost): h is A2AControlPlane => typeof (h as A2AControlPlane).getPool === 'function';

/** 'pkg.module:EchoAgent' -> 'EchoAgent', the worker's default agent_id. */
const classNameOf = (agent: string) => agent.split(':').pop() || agent;

function resolveHost(host: A2AHost): ResolvedHost {
  if (isControlPlane(host)) {
    return {
      pool: () => host.getPool(),
      config: () => host.getConfig().a2a,
      agentInfo: (): AgentInfo => {
        const p = host.getConfig().pool;
        return host.getPool().getAgentInfo?.() ?? { agentId: p.agentId ?? classNameOf(p.agent), capabilities: p.capabilities ?? [] };
      },
      record: (rec) => host.recordExternalTask?.(rec),
    };
  }
  const deps: A2ADeps = host;
  // Read per request, so a caller toggling its config object (enabled, token) is seen at once.
  const defaults = a2aSchema.parse({});
  const pool = typeof deps.pool === 'function' ? deps.pool : () => deps.pool as Exclude<A2ADeps['pool'], () => unknown>;
  return {
    pool,
    config: () => ({ ...defaults, ...deps.config }),
    agentInfo: () => deps.getAgentInfo?.() ?? pool().getAgentInfo?.() ?? { agentId: 'agent', capabilities: [] },
    record: (rec) => deps.record?.(rec),
  };
}

export function createA2AMount(host: A2AHost, opts: A2AMountOptions): A2AMount {
  const h = resolveHost(host);
  const token = () => h.config().token ?? opts.token;
  if (!token()) throw new A2AGatewayError('ERR_A2A_NO_TOKEN', 'The A2A gateway needs a bearer token (a2a.token or the control center token)');
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const currentCard = () => buildAgentCard({ name: h.config().name, baseUrl, agent: h.agentInfo(), version: opts.version ?? '0.1.0' });

  const executor = new PoolAgentExecutor(h);
  const taskStore = new BoundedTaskStore(opts.maxTasks);
  // The request handler reads its card only for capabilities, interfaces and
  // versions, which never change; the well-known route builds a fresh one. A blocking send of a
  // new task skips the SDK's per-event copies and store round trips (blocking-send.ts).
  const handlerCard = currentCard();
  const requestHandler = new GatewayRequestHandler(handlerCard, taskStore, executor);

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    if (h.config().enabled) return next();
    res.status(404).json({ code: 'ERR_A2A_DISABLED', message: 'The A2A gateway is turned off (config a2a.enabled)' });
  });
  // A card request announcing v0.3 (or no A2A-Version at all, which the spec reads as
  // v0.3) gets the SDK's v0.3 translation; the v0.3 router falls through otherwise.
  app.use(AGENT_CARD_URL_PATH, legacyAgentCardRouter({ agentCardProvider: async () => currentCard(), cache: { maxAge: 0 } }));
  app.use(AGENT_CARD_URL_PATH, agentCardHandler({ agentCardProvider: async () => agentCardJson(currentCard()), cache: { maxAge: 0 } }));
  app.use(
    JSONRPC_PATH,
    requireBearer(token),
    // Our reader (body.ts: the API's byte, depth and number limits) parses first; the SDK's
    // own parser, which would stop at express's 100 kB default, then leaves the body alone.
    ...jsonRpcBody(opts.maxBodyBytes),
    expandLeanResponses, // large data values go out as the raw JSON they stand for (lean-json.ts)
    jsonRpcHandler({ requestHandler, userBuilder: bearerUserBuilder, legacyCompat: { enabled: true } }),
  );

  // v1.0 SendMessage past express's routing and body parsing (fast-rpc.ts); everything else through the app.
  const handler = withFastSendMessage(
    {
      enabled: () => h.config().enabled,
      token,
      maxBodyBytes: opts.maxBodyBytes ?? MAX_BODY_BYTES,
      requestHandler,
      card: handlerCard,
      user: bearerUser,
    },
    (req, res) => void app(req, res),
  );
  const mount: A2AMount = {
    prefixes: [AGENT_CARD_URL_PATH, JSONRPC_PATH],
    handler,
    get card() {
      return currentCard();
    },
    a2aUrl: baseUrl,
    agentCardUrl: `${baseUrl}${AGENT_CARD_URL_PATH}`,
    executor,
    taskStore,
  };
  if (isControlPlane(host)) host.setAppInfo?.({ a2aUrl: mount.a2aUrl, agentCardUrl: mount.agentCardUrl });
  return mount;
}

export interface StartA2AServerOptions {
  controlPlane?: A2AControlPlane;
  pool?: A2ADeps['pool'];
  getAgentInfo?: A2ADeps['getAgentInfo'];
  config?: Partial<A2AConfig>;
  record?: A2ADeps['record'];
  host?: string; // default: config a2a.host, else 127.0.0.1
  port?: number; // default: config a2a.port, else 0 (a free port)
  token?: string;
  allowNonLoopback?: boolean; // binding beyond loopback needs this or a configured a2a.host
  version?: string;
}

export interface A2AServer {
  url: string;
  agentCardUrl: string;
  mount: A2AMount;
  close(): Promise<void>;
}

export const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host);

export async function startA2AServer(opts: StartA2AServerOptions): Promise<A2AServer> {
  const deps: A2AHost | undefined = opts.controlPlane ?? (opts.pool ? { ...opts, pool: opts.pool } : undefined);
  if (!deps) throw new TypeError('startA2AServer needs a controlPlane or a pool');
  const cfg = opts.controlPlane ? opts.controlPlane.getConfig().a2a : a2aSchema.parse(opts.config ?? {});
  const bindHost = opts.host ?? cfg.host;
  // The operator writing a2a.host in the config is the explicit opt-in; a host passed in code is not.
  const configured = opts.host === undefined && cfg.host !== '127.0.0.1';
  if (!isLoopback(bindHost) && !opts.allowNonLoopback && !configured) {
    throw new A2AGatewayError('ERR_A2A_NON_LOOPBACK', `Refusing to bind the A2A gateway to ${bindHost}: set a2a.host in the config to expose it`);
  }
  const token = opts.token ?? cfg.token;
  if (!token) throw new A2AGatewayError('ERR_A2A_NO_TOKEN', 'startA2AServer needs a token (option or config a2a.token)');

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let hostOk: (host: string | undefined) => boolean = () => false;
  let expectedHost = '';
  // Same guards as the headless server: Host header (DNS rebinding), connection cap, slow-client cut.
  const server = createLimitedServer((req, res) => (hostOk(req.headers.host) ? handler?.(req, res) : refuseHost(req, res, expectedHost)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? cfg.port, bindHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  hostOk = hostChecker(bindHost, port);
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  expectedHost = `${urlHost}:${port}`;
  const mount = createA2AMount(deps, { token, baseUrl: `http://${urlHost}:${port}`, version: opts.version });
  handler = mount.handler;
  return {
    url: mount.a2aUrl,
    agentCardUrl: mount.agentCardUrl,
    mount,
    close: () =>
      new Promise<void>((resolve) => {
        opts.controlPlane?.setAppInfo?.({ a2aUrl: undefined, agentCardUrl: undefined });
        server.close(() => resolve());
        // Open SSE streams and keep-alive sockets would hold close() forever.
        server.closeAllConnections();
      }),
  };
}
