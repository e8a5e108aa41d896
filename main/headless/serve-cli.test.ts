// The headless entry point as an operator runs it (from source through tsx,
// so the test never runs a stale build): refusal of an unsafe bind, the URL
// line, and a SIGTERM that lets running tasks answer before the exit.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
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
    await vi.waitFor(() => {
      const m = /^Greenlet Control Center: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/m.exec(out.stdout);
      expect(m, out.stdout + out.stderr).not.toBeNull();
      [, base, token] = m as unknown as [string, string, string];
    }, { timeout: 30_000, interval: 100 });
    // the generated token is kept in a file only this user can read, and not printed on its own line
    const tokenFile = join(dir, 'data', 'token');
    expect((await readFile(tokenFile, 'utf8')).trim()).toBe(decodeURIComponent(token));
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    expect(out.stdout).not.toContain(`token: ${decodeURIComponent(token)}`);
    const auth = { authorization: `Bearer ${decodeURIComponent(token)}`, 'content-type': 'application/json' };
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 20_000 });

    const slow = fetch(`${base}/api/submitTask`, { method: 'POST', headers: auth, body: JSON.stringify({ data: { sleep_ms: 800, n: 1 } }) });
    await vi.waitFor(async () => {
      const stats = (await (await fetch(`${base}/api/getStats`, { method: 'POST', headers: auth, body: '{}' })).json()) as { inFlight: number };
      expect(stats.inFlight).toBeGreaterThan(0);
    }, { timeout: 10_000, interval: 20 });
    child.kill('SIGTERM');

    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ result: { sleep_ms: 800, n: 1 } });
    expect(await exited).toBe(0);
    expect(out.stdout).toMatch(/SIGTERM: draining the pool/);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow(); // the port is closed
  }, 60_000);
});
