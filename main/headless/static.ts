// Serves the built renderer (out/renderer) with an SPA fallback. Paths are
// decoded and resolved, then must stay inside the root: `..`, encoded
// slashes and NUL bytes never reach outside it.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY, sendError } from './http-util';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a URL path names inside root, or null when it would escape root. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const target = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  const rel = relative(base, target);
  if (rel === '') return base;
  if (rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) return null;
  return target;
}

async function fileAt(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
    if (s.isDirectory()) {
      const index = join(path, 'index.html');
      return (await stat(index).catch(() => null))?.isFile() ? index : null;
    }
  } catch {
    /* not there */
  }
  return null;
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, 'ERR_METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
  }
  const target = resolveInside(root, urlPath);
  if (!target) return sendError(res, 'ERR_FORBIDDEN', 'Path outside the served directory');
  let file = await fileAt(target);
  // SPA fallback: a route without a file extension gets the app shell; a missing asset is a 404.
  if (!file && extname(target) === '') file = await fileAt(join(resolve(root), 'index.html'));
  if (!file) return sendError(res, 'ERR_NOT_FOUND', `No such file: ${urlPath}`);
  const s = await stat(file);
  const isHtml = extname(file) === '.html';
  const hashed = relative(resolve(root), file).split(sep)[0] === 'assets'; // vite's content-hashed output
  res.writeHead(200, {
    'Content-Type': mimeType(file),
    'Content-Length': s.size,
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(isHtml ? { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } : {}),
  });
  if (req.method === 'HEAD') return void res.end();
  // A read error after the headers are out (file deleted or unreadable since stat) can only cut this
  // response; left unhandled on the stream it would be an uncaught exception that ends the server.
  pipeline(createReadStream(file), res).catch(() => res.destroy());
}
