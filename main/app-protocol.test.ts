// app://renderer/ → files of the built renderer: the pure resolver (traversal,
// MIME types, methods) and the response built from a real directory.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, isAppProtocolUrl, mimeTypeOf, resolveAppRequest, serveAppRequest } from './app-protocol';

const ROOT = '/opt/gcc/out/renderer';

describe('resolveAppRequest', () => {
  it('maps app://renderer/ paths to files under the renderer directory, / to index.html', () => {
    expect(resolveAppRequest(ROOT, APP_INDEX_URL)).toEqual({ ok: true, file: `${ROOT}/index.html`, mimeType: 'text/html; charset=utf-8' });
    expect(resolveAppRequest(ROOT, 'app://renderer/')).toMatchObject({ ok: true, file: `${ROOT}/index.html` });
    expect(resolveAppRequest(ROOT, 'app://renderer/assets/index-1a2b.js?v=1#x')).toMatchObject({ ok: true, file: `${ROOT}/assets/index-1a2b.js` });
    expect(resolveAppRequest(ROOT, 'app://renderer/assets/a%20b.css')).toMatchObject({ ok: true, file: `${ROOT}/assets/a b.css` });
  });

  it('refuses every way out of the directory', () => {
    for (const url of [
      'app://renderer/..%2f..%2fetc%2fpasswd',
      'app://renderer/assets/..%2F..%2F..%2Fsecret.txt',
      'app://renderer/%2e%2e%2f%2e%2e%2fsecret.txt',
    ])
      expect(resolveAppRequest(ROOT, url), url).toMatchObject({ ok: false, status: 403 });
    // Literal and encoded dot segments are folded by the URL parser: they stay inside.
    expect(resolveAppRequest(ROOT, 'app://renderer/../../etc/passwd')).toMatchObject({ ok: true, file: `${ROOT}/etc/passwd` });
    expect(resolveAppRequest(ROOT, 'app://renderer/a%5c..%5c..%5csecret')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest(ROOT, 'app://renderer/a%00.js')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest(ROOT, 'app://renderer/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
  });

  it('serves only its own origin and only GET/HEAD', () => {
    expect(resolveAppRequest(ROOT, 'app://other/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest(ROOT, 'file:///opt/gcc/out/renderer/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest(ROOT, APP_INDEX_URL, 'POST')).toMatchObject({ ok: false, status: 405 });
    expect(resolveAppRequest(ROOT, APP_INDEX_URL, 'HEAD')).toMatchObject({ ok: true });
  });

  it('gives module scripts, styles and the rest their MIME types', () => {
    expect(mimeTypeOf('a.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('a.MJS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('a.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeOf('a.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('a.unknown')).toBe('application/octet-stream');
  });

  it('isAppProtocolUrl accepts our origin only', () => {
    expect(isAppProtocolUrl('app://renderer/index.html#/workers')).toBe(true);
    expect(isAppProtocolUrl('app://renderer.evil/index.html')).toBe(false);
    expect(isAppProtocolUrl('file:///opt/gcc/out/renderer/index.html')).toBe(false);
    expect(isAppProtocolUrl('not a url')).toBe(false);
  });
});

describe('serveAppRequest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gcc-app-protocol-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>GCC</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'TOP-SECRET');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const get = (url: string, method = 'GET') => serveAppRequest(join(dir, 'renderer'), { url, method });

  it('answers a file with its MIME type, length, nosniff and the app CSP', async () => {
    const r = await get('app://renderer/assets/app.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(r.headers.get('content-length')).toBe('14');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await r.text()).toBe('console.log(1)');
    const head = await get('app://renderer/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('a missing file or a directory is 404; a way out is 403 and never reads the file', async () => {
    expect((await get('app://renderer/missing.js')).status).toBe(404);
    expect((await get('app://renderer/assets')).status).toBe(404);
    const out = await get('app://renderer/..%2fsecret.txt');
    expect(out.status).toBe(403);
    expect(await out.text()).not.toContain('TOP-SECRET');
  });
});
