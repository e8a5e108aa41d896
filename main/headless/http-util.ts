// Small helpers shared by the headless routes: JSON replies, security
// headers and a body reader with a hard size limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorShape } from '../../preload/contract';

export const MAX_BODY_BYTES = 1024 * 1024;

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

/** Reads the whole body as text; rejects with BodyTooLargeError past `limit`. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        return reject(new BodyTooLargeError(limit));
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
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
