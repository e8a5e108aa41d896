// The headless entry point as an operator runs it (from source through tsx,
// so the test never runs a stale build): refusal of an unsafe bind, the URL
// line, and a SIGTERM that lets running tasks answer before the exit.
import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REPO } from './test-helpers';

const ENTRY = join(REPO, 'main', 'headless', 'serve.ts');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

describe('serve CLI', () => {
  it('npm run serve / npm start refuse --token on the command line before setting anything up or starting a child', async () => {
    for (const script of ['serve.mjs', 'start.mjs']) {
      const child = spawn(process.execPath, [join(REPO, 'scripts', script), '--port', '0', '--token=a-long-enough-secret'], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
      expect(stderr).toMatch(/--token on the command line .* refused.*--token-file <path>, or set GREENLET_CC_TOKEN/);
      expect(stdout).toBe(''); // no setup step and no server ran
    }
  }, 30_000);

  it('the server refuses --token too, and a group-readable --token-file, with exit 2 and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gcc-serve-cli-'));
    dirs.push(dir);
    const a = run(['--port', '0', '--token', 'a-long-enough-secret']);
    expect(await a.exited).toBe(2);
    expect(a.out.stderr).toMatch(/--token-file/);
    const file = join(dir, 'token');
    await writeFile(file, 'a-long-enough-secret\n', { mode: 0o644 });
    await chmod(file, 0o644);
    const b = run(['--port', '0', '--token-file', file]);
    expect(await b.exited).toBe(2);
    expect(b.out.stderr).toMatch(/readable by group or others \(mode 0644\).*chmod 600/);
  }, 30_000);

  it('refuses a non-loopback host without a token: exit 2 and the reason', async () => {
    const { out, exited } = run(['--host', '0.0.0.0', '--port', '0']);
    expect(await exited).toBe(2);
    expect(out.stderr).toMatch(/Refusing to bind 0\.0\.0\.0 without a token/);
    expect(out.stdout).not.toMatch(/Greenlet Control Center: http/);
  }, 30_000);

  it('prints the URL with a generated token, and on SIGTERM drains running tasks before exiting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gcc-serve-cli-'));
    dirs.push(dir);
    const { child, out, exited } = run(['--port', '0', '--data-dir', join(dir, 'data'), '--static-dir', dir]);
    let base = '';
    let token = '';
    await vi.waitFor(
      () => {
        const m = /^Greenlet Control Center: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m.exec(out.stdout);
        expect(m, out.stdout + out.stderr).not.toBeNull();
        [, base, token] = m as unknown as [string, string, string];
      },
      { timeout: 30_000, interval: 100 },
    );
    // the generated token is kept in a file only this user can read, and not printed on its own line
    const tokenFile = join(dir, 'data', 'token');
    expect((await readFile(tokenFile, 'utf8')).trim()).toBe(decodeURIComponent(token));
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    expect(out.stdout).not.toContain(`token: ${decodeURIComponent(token)}`);
    const auth = { authorization: `Bearer ${decodeURIComponent(token)}`, 'content-type': 'application/json' };
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 20_000 });

    const slow = fetch(`${base}/api/submitTask`, { method: 'POST', headers: auth, body: JSON.stringify({ data: { sleep_ms: 800, n: 1 } }) });
    await vi.waitFor(
      async () => {
        const stats = (await (await fetch(`${base}/api/getStats`, { method: 'POST', headers: auth, body: '{}' })).json()) as { inFlight: number };
        expect(stats.inFlight).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 20 },
    );
    child.kill('SIGTERM');

    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ result: { sleep_ms: 800, n: 1 } });
    expect(await exited).toBe(0);
    expect(out.stdout).toMatch(/SIGTERM: draining the pool/);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow(); // the port is closed
  }, 60_000);

  it.skipIf(process.platform === 'win32')(
    'a --token-file naming a FIFO is refused at once instead of hanging start-up',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gcc-serve-cli-'));
      dirs.push(dir);
      const fifo = join(dir, 'token-fifo');
      execFileSync('mkfifo', ['-m', '600', fifo]);
      const { child, out, exited } = run(['--port', '0', '--token-file', fifo, '--data-dir', join(dir, 'data')]);
      try {
        // Before the fix the open() waited for a writer forever (bounded here so the child is always killed).
        const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref());
        expect(await Promise.race([exited, hung])).toBe(2);
        expect(out.stderr).toMatch(/--token-file .*token-fifo: not a regular file/);
      } finally {
        child.kill('SIGKILL');
      }
    },
    30_000,
  );

  it('keeps the generated token across restarts; --rotate-token replaces it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gcc-serve-cli-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const startOnce = async (extra: string[] = []) => {
      const { child, out, exited } = run(['--port', '0', '--data-dir', dataDir, '--static-dir', dir, ...extra]);
      let token = '';
      await vi.waitFor(
        () => {
          const m = /^Greenlet Control Center: http:\/\/127\.0\.0\.1:\d+\/#token=(\S+)$/m.exec(out.stdout);
          expect(m, out.stdout + out.stderr).not.toBeNull();
          token = decodeURIComponent(m![1]!);
        },
        { timeout: 30_000, interval: 100 },
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return { token, stdout: out.stdout };
    };
    const first = await startOnce();
    expect(first.stdout).toMatch(/generated a token/);
    const second = await startOnce();
    expect(second.token).toBe(first.token); // an open tab keeps working after a restart
    expect(second.stdout).toMatch(/using the saved token/);
    const rotated = await startOnce(['--rotate-token']);
    expect(rotated.token).not.toBe(first.token);
    expect((await readFile(join(dataDir, 'token'), 'utf8')).trim()).toBe(rotated.token);
    expect((await stat(join(dataDir, 'token'))).mode & 0o777).toBe(0o600);
    // a saved token file others can read is refused, with the fix
    await chmod(join(dataDir, 'token'), 0o644);
    const unsafe = run(['--port', '0', '--data-dir', dataDir, '--static-dir', dir]);
    expect(await unsafe.exited).toBe(2);
    expect(unsafe.out.stderr).toMatch(/saved token .*readable by group or others \(mode 0644\).*chmod 600/);
  }, 120_000);
});
