// The renderer's own origin, app://renderer/, instead of file:// (issue 9,
// Electron security checklist "use a custom protocol"): under file:// every
// page shares one opaque origin and may read any file the user can, which is
// why Electron's GrantFileProtocolExtraPrivileges fuse exists; with the bundle
// served from a custom scheme that fuse is turned off (electron-builder.yml).
//
// Plain Node, no `electron` import: the URL-to-file resolution and the response
// are tested without Electron; main/window.ts does the two Electron calls.
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './transport/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs and a real origin (so 'self' in the CSP means us);
 * secure: a secure context like https; supportFetchAPI: fetch() of bundled
 * assets; codeCache: V8 caches the bundle's compiled scripts as it does for file://.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

// Module scripts are refused unless served with a JavaScript MIME type.
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export const mimeTypeOf = (file: string): string => MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

export type AppResolution = { ok: true; file: string; mimeType: string } | { ok: false; status: 400 | 403 | 404 | 405; reason: string };

/** True for a URL on our renderer's origin (the IPC sender check and navigation guard). */
export function isAppProtocolUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Maps a request to a file inside `rootDir`, or says why not. Pure: no file system access. */
export function resolveAppRequest(rootDir: string, url: string, method = 'GET'): AppResolution {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: `method ${method} not allowed` };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { ok: false, status: 404, reason: `not on ${APP_ORIGIN}` };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  // The URL parser already folded literal `..`; encoded ones (%2e%2e, %2f, %5c) arrive here decoded.
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400, reason: 'bad character in path' };
  if (path.endsWith('/')) path += 'index.html';
  const root = resolve(rootDir);
  const file = resolve(root, `.${path}`);
  if (!file.startsWith(root + sep)) return { ok: false, status: 403, reason: 'path leaves the renderer directory' };
  return { ok: true, file, mimeType: mimeTypeOf(file) };
}

const textResponse = (status: number, text: string) =>
  new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });

/** The protocol handler's body: the file with its MIME type and the app's CSP, or a plain-text refusal. */
export async function serveAppRequest(rootDir: string, request: { url: string; method: string }): Promise<Response> {
  const r = resolveAppRequest(rootDir, request.url, request.method);
  if (!r.ok) return textResponse(r.status, r.reason);
  let body: Buffer;
  try {
    body = await readFile(r.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return textResponse(404, 'not found');
    return textResponse(500, `could not read the file (${code ?? 'error'})`);
  }
  const headers = {
    'content-type': r.mimeType,
    'content-length': String(body.length),
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}
