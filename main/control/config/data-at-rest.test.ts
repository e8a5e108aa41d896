// Data at rest: atomic writes leave no temp file behind on failure, the data dir
// and its files are private to the user, a data dir that cannot be written still
// starts the app on defaults (with a warning), and secrets never leave through
// the API or a snapshot. Real files, real pool with real Python workers.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file';
import { loadConfig } from './config-store';
import type { ControlPlane } from '../index';
import { REDACTED } from './secrets';
import { createPlane, tempDir } from '../test-support/plane';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const leftovers = async (dir: string) => (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'));
const mode = async (p: string) => (await fs.stat(p)).mode & 0o777;

describe('writeFileAtomic', () => {
  let dir: string;
  beforeAll(async () => (dir = await tempDir()));
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('removes its temp file when the rename fails (target is a non-empty directory)', async () => {
    const target = path.join(dir, 'config.json');
    await fs.mkdir(path.join(target, 'x'), { recursive: true });
    await expect(writeFileAtomic(target, '{}')).rejects.toThrow();
    expect(await leftovers(dir)).toEqual([]);
  });

  it('removes its temp file when the write itself fails (file size limit: EFBIG, as on a full disk)', () => {
    // RLIMIT_FSIZE makes the write fail after the temp file exists; Node ignores SIGXFSZ,
    // so the write rejects with EFBIG. A child process, so the limit stays out of the test runner.
    const sub = path.join(dir, 'efbig');
    const script = `import { writeFileAtomic } from ${JSON.stringify(path.join(REPO, 'main/control/config/atomic-file.ts'))};
      await writeFileAtomic(${JSON.stringify(path.join(sub, 'history.json'))}, 'x'.repeat(1 << 20)).then(() => console.log('WROTE'), (e) => console.log('FAILED', e.code));`;
    const r = spawnSync('bash', ['-c', `ulimit -f 8 && exec "${process.execPath}" --import tsx --input-type=module -e "$0"`, script], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('FAILED EFBIG');
    return leftovers(sub).then((l) => expect(l).toEqual([]));
  });

  it.skipIf(process.platform === 'win32')('takes group/other access away from a data dir an older version made 0755', async () => {
    const old = path.join(dir, 'old-data');
    await fs.mkdir(old);
    await fs.chmod(old, 0o755);
    expect(await ensurePrivateDir(old)).toBeUndefined();
    expect(await mode(old)).toBe(0o700);
  });

  it('writes files 0600 and creates missing folders 0700', async () => {
    const file = path.join(dir, 'new', 'h.json');
    await writeFileAtomic(file, '{}');
    expect(await mode(file)).toBe(0o600);
    expect(await mode(path.dirname(file))).toBe(0o700);
  });
});

describe('a data dir that cannot be written', () => {
  it('with no config.json starts on defaults with a warning (not a refusal) — path under a regular file', async () => {
    // Tests run as root, where chmod does not stop writes: a data dir whose parent is a
    // regular file cannot be created or written by anyone (ENOTDIR), with no mount needed.
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'not-a-dir'), 'x');
    const cp = await createPlane(path.join(dir, 'not-a-dir', 'data'));
    try {
      expect(cp.getConfig().pool.agent).toBe('echo_agent:EchoAgent');
      const warnings = await cp.handlers.getEvents({ level: 'warn' });
      expect(warnings.some((e) => e.type === 'config.warning' && /config\.json could not be created/.test(e.message))).toBe(true);
    } finally {
      await cp.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('with no config.json loads defaults with a warning when the dir is chmod 0500 (as uid nobody)', async (ctx) => {
    const dir = await nobodysDataDir(ctx);
    try {
      const out = loadConfigAsNobody(dir);
      expect(out.agent).toBe('echo_agent:EchoAgent');
      expect(out.warning).toMatch(/could not be created.*EACCES/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('with a corrupt config.json starts on defaults with a warning when the dir is chmod 0500 (as uid nobody)', async (ctx) => {
    const dir = await nobodysDataDir(ctx, '{ not json');
    try {
      const out = loadConfigAsNobody(dir);
      expect(out.agent).toBe('echo_agent:EchoAgent');
      expect(out.warning).toMatch(
        /config\.json was not valid JSON .*could not be set aside \(EACCES.*defaults are in use and settings changes will not be saved/,
      );
      expect(await fs.readFile(path.join(dir, 'data', 'config.json'), 'utf8')).toBe('{ not json'); // left as it was
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('with a corrupt config.json that cannot be set aside starts on defaults with a warning (any user)', async () => {
    // As root, chmod does not stop writes: a directory already at the set-aside name makes the rename fail the same way.
    const dir = await tempDir();
    try {
      await fs.writeFile(path.join(dir, 'config.json'), '{ not json');
      const at = Date.parse('2026-12-06T12:00:00.000Z');
      await fs.mkdir(path.join(dir, 'config.json.corrupt-2026-12-06T12-00-00-000Z', 'x'), { recursive: true });
      const r = await loadConfig(dir, () => at);
      expect(r.config.pool.agent).toBe('echo_agent:EchoAgent');
      expect(r.warning?.message).toMatch(/could not be set aside .*left as it is, defaults are in use/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A temp dir holding data/ (0500, owned by uid 65534, optionally with a config.json), for
 * tests that must run as another user (as root, chmod does not stop writes). Skipped with the
 * reason when not root, or when that user cannot read this checkout: a checkout under a 0700
 * folder such as /root is readable by its owner only.
 */
async function nobodysDataDir(ctx: { skip: (note?: string) => never }, config?: string): Promise<string> {
  if (process.platform === 'win32' || process.getuid?.() !== 0) ctx.skip('needs root to run a child as uid 65534');
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(path.join(REPO, 'main/control/config/config-store.ts'))}, require('fs').constants.R_OK)`],
    { uid: 65534, gid: 65534 },
  );
  if (probe.status !== 0)
    ctx.skip(
      `uid 65534 cannot read the checkout at ${REPO} (a parent folder is private, e.g. /root is 0700); clone it under a world-readable folder to run this test`,
    );
  const dir = await tempDir();
  const data = path.join(dir, 'data');
  await fs.mkdir(data);
  await fs.chmod(dir, 0o755);
  if (config !== undefined) await fs.writeFile(path.join(data, 'config.json'), config, { mode: 0o644 });
  await fs.chown(data, 65534, 65534);
  await fs.chmod(data, 0o500);
  return dir;
}

function loadConfigAsNobody(dir: string): { agent: string; warning?: string } {
  const data = path.join(dir, 'data');
  const script = `import { loadConfig } from ${JSON.stringify(path.join(REPO, 'main/control/config/config-store.ts'))};
    const r = await loadConfig(${JSON.stringify(data)}); console.log(JSON.stringify({ agent: r.config.pool.agent, warning: r.warning?.message }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    uid: 65534,
    gid: 65534,
    env: { ...process.env, HOME: '/tmp', TSX_TSCONFIG_PATH: undefined },
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  expect(line, r.stderr).toMatch(/^\{/);
  return JSON.parse(line) as { agent: string; warning?: string };
}

describe('secrets and permissions of a running control plane', () => {
  let dir: string;
  let cp: ControlPlane;
  const SECRET = 'a2a-secret-token-0123456789';
  beforeAll(async () => {
    dir = path.join(await tempDir(), 'data');
    cp = await createPlane(dir);
    await cp.handlers.updateConfig({ patch: { a2a: { token: SECRET } } });
  }, 30_000);
  afterAll(async () => {
    await cp?.stop();
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('creates the data dir 0700 and config.json 0600', async () => {
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(path.join(dir, 'config.json'))).toBe(0o600);
  });

  it('JSON and CSV snapshots do not contain the token', async () => {
    for (const format of ['json', 'csv'] as const) {
      const snap = await cp.handlers.exportSnapshot({ format });
      expect(snap.content).not.toContain(SECRET);
    }
    const json = JSON.parse((await cp.handlers.exportSnapshot({ format: 'json' })).content) as { config: { a2a: { token?: string } } };
    expect(json.config.a2a.token).toBe(REDACTED);
  });

  it('getConfig and update results show a set token as "<redacted>"', async () => {
    expect((await cp.handlers.getConfig({})).a2a.token).toBe(REDACTED);
    const r = await cp.handlers.updateConfig({ patch: { alerts: { queueFillPct: 70 } } });
    expect(r.config.a2a.token).toBe(REDACTED);
    const preview = await cp.handlers.previewConfig({ patch: { a2a: { token: 'another-secret-token' } } });
    expect(JSON.stringify(preview)).not.toContain('another-secret-token');
    expect(cp.getConfig().a2a.token).toBe(SECRET); // in-process users (the A2A gateway) see the real one
  });

  it('sending the marker back does not overwrite the real token', async () => {
    await cp.handlers.updateConfig({ patch: { a2a: { token: REDACTED, name: 'Renamed pool' } } });
    expect(cp.getConfig().a2a.token).toBe(SECRET);
    expect(cp.getConfig().a2a.name).toBe('Renamed pool');
    expect(JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')).a2a.token).toBe(SECRET);
  });

  it('config.json on disk keeps the real token (it is where the secret lives)', async () => {
    expect((await loadConfig(dir)).config.a2a.token).toBe(SECRET);
  });
});
