// Guards every HTTP listener of ours shares (the headless server, the A2A
// routes mounted on it, and the desktop app's A2A loopback port): the Host
// header must name this server (DNS rebinding), connections are capped, and a
// client that sends its headers or body slowly is cut off.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { REQUEST_TIMEOUT_MS, sendError } from './http-util';
import { keepShareForAuthenticated } from './connection-share';

export { REQUEST_TIMEOUT_MS };

/**
 * Open sockets per listener. Each costs a file descriptor and socket buffers;
 * Linux's default soft limit is 1,024 descriptors per process, shared with the
 * worker pipes, data files and the A2A port. 256 leaves that headroom and is
 * still far above real use: a browser opens at most 6 connections per origin,
 * the A2A bench keeps 32 requests outstanding. Past it Node closes new sockets at once.
 */
export const MAX_CONNECTIONS = 256;

/** How often Node looks for requests past their deadline (its default is 30 s, too coarse). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface ServerLimits {
  maxConnections: number;
  requestTimeoutMs: number; // headers and body; the check interval adds up to TIMEOUT_CHECK_INTERVAL_MS
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { maxConnections: MAX_CONNECTIONS, requestTimeoutMs: REQUEST_TIMEOUT_MS };

export function createLimitedServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limits: ServerLimits = DEFAULT_SERVER_LIMITS,
): Server {
  const checkEvery = Math.min(TIMEOUT_CHECK_INTERVAL_MS, Math.max(50, Math.floor(limits.requestTimeoutMs / 4)));
  const server = createServer({ connectionsCheckingInterval: checkEvery }, handler);
  server.maxConnections = limits.maxConnections;
  keepShareForAuthenticated(server, limits.maxConnections); // idle tokenless sockets cannot hold every slot
  server.headersTimeout = limits.requestTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  return server;
}

const isWildcard = (host: string) => host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
const isIpLiteral = (hostname: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');

/** Host and port as the URL parser normalises them (lower case, `[::1]`, `127.1` → `127.0.0.1`); null if not a plain host[:port]. */
function parseHost(value: string): { hostname: string; port: string } | null {
  if (!/^[^\s/@?#\\]+$/.test(value)) return null;
  try {
    const u = new URL(`http://${value}`);
    return { hostname: u.hostname, port: u.port || '80' };
  } catch {
    return null;
  }
}

/**
 * Which `Host` headers this listener accepts: the loopback names
 * (127.0.0.1, localhost, [::1]) and the address it is bound to, each with its
 * port, plus `extraHosts`: names the operator reaches it by (a reverse proxy
 * passing its own Host), `name` for any port or `name:port` for one. A
 * wildcard bind (0.0.0.0, ::) also accepts any IP literal: rebinding needs the
 * attacker's DNS name in the Host header, which an address can never be.
 */
export function hostChecker(bindHost: string, port: number, extraHosts: string[] = []): (hostHeader: string | undefined) => boolean {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (!isWildcard(bindHost)) {
    const parsed = parseHost(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
    if (parsed) names.add(parsed.hostname);
  }
  const anyPort = new Set<string>();
  const exact = new Set<string>();
  for (const h of extraHosts) {
    const parsed = parseHost(h);
    if (!parsed) throw new TypeError(`options.allowedHosts entry "${h}" must be a host name or host:port`);
    if (/:\d+$/.test(h)) exact.add(`${parsed.hostname}:${parsed.port}`);
    else anyPort.add(parsed.hostname);
  }
  const wildcard = isWildcard(bindHost);
  return (hostHeader) => {
    const parsed = hostHeader === undefined ? null : parseHost(hostHeader);
    if (!parsed) return false;
    if (anyPort.has(parsed.hostname) || exact.has(`${parsed.hostname}:${parsed.port}`)) return true;
    if (parsed.port !== String(port)) return false;
    return names.has(parsed.hostname) || (wildcard && isIpLiteral(parsed.hostname));
  };
}

/** 421 Misdirected Request: this server is not the one the Host header names. */
export function refuseHost(req: IncomingMessage, res: ServerResponse, expected: string): void {
  const given = (req.headers.host ?? '(none)').slice(0, 100);
  res.setHeader('Connection', 'close');
  sendError(res, 'ERR_HOST_NOT_ALLOWED', `Host "${given}" is not this server (use ${expected}); other names are refused to block DNS rebinding`);
}
