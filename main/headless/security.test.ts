// Hostile input over real HTTP: a "__proto__" key in a config patch is refused by
// name (not dropped with 200), and the config the API hands out never carries the
// A2A token. A real control plane with real Python workers behind a loopback server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { post, startHeadless } from './test-helpers';

let h: Awaited<ReturnType<typeof startHeadless>>;
beforeAll(async () => (h = await startHeadless()), 30_000);
afterAll(() => h?.cleanup());

it('a "__proto__" key in a config patch answers 400 naming the field, and nothing changes', async () => {
  const before = (await post(h.base, 'getConfig', {})).body;
  // A raw string: JSON.stringify of an object literal would never carry an own __proto__ key.
  const r = await post(h.base, 'updateConfig', '{"patch":{"pool":{"__proto__":{"maxWorkers":3},"minWorkers":2}}}');
  expect(r.status).toBe(400);
  expect(r.body.code).toBe('ERR_VALIDATION');
  expect(r.body.issues).toEqual([expect.objectContaining({ path: 'patch.pool.__proto__' })]);
  expect((await post(h.base, 'getConfig', {})).body).toEqual(before);
});

it('previewConfig refuses "__proto__" the same way, in every section', async () => {
  for (const section of ['pool', 'alerts', 'sampling', 'a2a']) {
    const r = await post(h.base, 'previewConfig', `{"patch":{"${section}":{"__proto__":{}}}}`);
    expect(r.status).toBe(400);
    expect(r.body.issues[0].path).toBe(`patch.${section}.__proto__`);
  }
});

it('over HTTP, a set A2A token reads back as "<redacted>" and a round-trip keeps the real one', async () => {
  const secret = 'http-a2a-secret-0123456789';
  const set = await post(h.base, 'updateConfig', { patch: { a2a: { token: secret } } });
  expect(set.status).toBe(200);
  expect(JSON.stringify(set.body)).not.toContain(secret);
  const cfg = (await post(h.base, 'getConfig', {})).body;
  expect(cfg.a2a.token).toBe('<redacted>');
  // what a UI does: send back the section it read, with one change
  const back = await post(h.base, 'updateConfig', { patch: { a2a: { ...cfg.a2a, name: 'Round trip' } } });
  expect(back.status).toBe(200);
  expect(h.cp.getConfig().a2a.token).toBe(secret);
  const snap = await post(h.base, 'exportSnapshot', { format: 'json' });
  expect(snap.body.content).not.toContain(secret);
});

it('over HTTP, the interpreter allow-list cannot be patched and an unlisted pythonPath is refused by name', async () => {
  const patch = await post(h.base, 'updateConfig', { patch: { python: { allowedInterpreters: ['/bin/sh'] } } });
  expect(patch.status).toBe(400);
  expect(patch.body.issues).toEqual([{ path: 'patch.python', message: expect.stringContaining('config.json only') }]);
  const check = await post(h.base, 'checkPythonEnv', { pythonPath: '/bin/sh' });
  expect(check.status).toBe(400);
  expect(check.body.issues).toEqual([{ path: 'pythonPath', message: expect.stringContaining('not an allowed interpreter') }]);
  const pool = await post(h.base, 'updateConfig', { patch: { pool: { pythonPath: '/bin/sh' } } });
  expect(pool.status).toBe(400);
  expect(pool.body.issues[0].path).toBe('pool.pythonPath');
});
