// Small helpers shared by the headless routes: JSON replies, security
// headers and a body reader with a hard size limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorShape } from '../../common/contract';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A request's headers and whole body must arrive within this time. With the
 * server's 1 s deadline check (server-guards.ts) a slow client is cut within
 * 10 s. On loopback a 4 MiB body takes milliseconds; over a network 9 s still
 * allows ~450 kB/s. Only the request is timed, never a long-running call's
 * answer or the event stream.
 */
export const REQUEST_TIMEOUT_MS = 9_000;

export { CONTENT_SECURITY_POLICY } from '../transport/csp';

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, extra?: Partial<ApiErrorShape>): void {
  sendJson(res, status, { code, message, ...extra } satisfies ApiErrorShape);
}

export class BodyTooLargeError extends Error {
  readonly code = 'ERR_BODY_TOO_LARGE';
  constructor(limit: number) {
    super(`Request body exceeds ${limit} bytes`);
  }
}

export class BodyTimeoutError extends Error {
  readonly code = 'ERR_BODY_TIMEOUT';
  constructor(ms: number) {
    super(`Request body not received within ${ms} ms`);
  }
}

/**
 * Reads the whole body as text; rejects with BodyTooLargeError past `limit`
 * and BodyTimeoutError when it has not all arrived within `timeoutMs` (a
 * trickling client would otherwise hold the handler and its buffer).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, timeoutMs = REQUEST_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData);
    };
    const timer = setTimeout(() => {
      stop();
      reject(new BodyTimeoutError(timeoutMs));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        return reject(new BodyTooLargeError(limit));
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * After refusing a body, swallow what the client is still sending so it
 * sees our 413 instead of a reset; a client that keeps going past `cap` is cut off.
 */
export function discardBody(req: IncomingMessage, cap = 16 * MAX_BODY_BYTES): void {
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > cap) req.socket.destroy();
  });
  req.resume();
}
