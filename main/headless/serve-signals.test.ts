// `npm run serve` as a terminal runs it: scripts/serve.mjs (the real wrapper) starts the
// server (from source through tsx), all in one process group. Ctrl-C signals the whole
// group, so the wrapper and the server both get SIGINT (and the wrapper forwards one):
// that must be ONE drain — the running task answers — not a forced exit. The token is
// passed by environment and appears on no command line.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { REPO } from './test-helpers';
import { sleep } from '../../common/test-support/wait';

const ENTRY = join(REPO, 'main', 'headless', 'serve.ts');
const TOKEN = 'signal-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const dirs: string[] = [];
const groups: ChildProcess[] = [];
afterEach(() => {
  for (const p of groups.splice(0)) if (p.exitCode === null && p.signalCode === null) process.kill(-p.pid!, 'SIGKILL');
});
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The wrapper without its setup/build step (covered elsewhere): runServe with the source entry. */
const DRIVER = `import { runServe } from ${JSON.stringify(join(REPO, 'scripts', 'serve.mjs'))};
runServe(process.argv.slice(1), { entry: ${JSON.stringify(ENTRY)}, nodeArgs: ['--import', 'tsx'] });`;

/** Processes of a process group (Linux /proc): pid, parent pid and command line. */
function groupMembers(pgid: number): Array<{ pid: number; ppid: number; cmdline: string }> {
  const members = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      if (Number(fields[2]) !== pgid) continue;
      members.push({ pid: Number(pid), ppid: Number(fields[1]), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // the process exited while we looked
    }
  }
  return members;
}

/** Starts wrapper + server in their own process group (detached, like a shell job) and waits until healthy. */
async function startWrapped() {
  const dir = await mkdtemp(join(tmpdir(), 'gcc-serve-sig-'));
  dirs.push(dir);
  const wrapper = spawn(
    process.execPath,
    ['--input-type=module', '-e', DRIVER, '--', '--port', '0', '--data-dir', join(dir, 'data'), '--static-dir', dir],
    {
      cwd: REPO,
      detached: true,
      env: { ...process.env, GREENLET_CC_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  groups.push(wrapper);
  const out = { stdout: '', stderr: '' };
  wrapper.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  wrapper.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => wrapper.on('exit', (code) => resolve(code)));
  let base = '';
  await vi.waitFor(
    () => {
      const m = /^Greenlet Control Center: (http:\/\/127\.0\.0\.1:\d+)\/#token=/m.exec(out.stdout);
      expect(m, out.stdout + out.stderr).not.toBeNull();
      base = m![1]!;
    },
    { timeout: 30_000, interval: 100 },
  );
  await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 20_000 });
  const server = groupMembers(wrapper.pid!).find((m) => m.ppid === wrapper.pid && m.cmdline.includes('serve.ts'));
  expect(server).toBeDefined();
  return { wrapper, pgid: wrapper.pid!, serverPid: server!.pid, base, out, exited };
}

/** Submits a task that sleeps in the worker; resolves once it is running, with its pending answer. */
async function slowTask(base: string, sleepMs: number): Promise<{ answer: Promise<Response> }> {
  const answer = fetch(`${base}/api/submitTask`, { method: 'POST', headers: AUTH, body: JSON.stringify({ data: { sleep_ms: sleepMs, n: 7 } }) });
  await vi.waitFor(
    async () => {
      const stats = (await (await fetch(`${base}/api/getStats`, { method: 'POST', headers: AUTH, body: '{}' })).json()) as { inFlight: number };
      expect(stats.inFlight).toBeGreaterThan(0);
    },
    { timeout: 10_000, interval: 20 },
  );
  return { answer }; // wrapped: an async function would otherwise wait for the answer itself
}

/** One drain for `signal`: the running 1.5 s task is answered in full, then the server exits 0 without a forced exit. */
async function expectDrained(s: Awaited<ReturnType<typeof startWrapped>>, answer: Promise<Response>, signal: 'SIGINT' | 'SIGTERM') {
  const res = await answer;
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ result: { sleep_ms: 1500, n: 7 } });
  expect(await s.exited, s.out.stdout + s.out.stderr).toBe(0);
  expect(s.out.stdout).toMatch(new RegExp(`${signal}: draining the pool`));
  expect(s.out.stderr).not.toMatch(/exiting without waiting/);
}

describe.skipIf(process.platform === 'win32')('npm run serve and signals', () => {
  it('one SIGINT to the whole process group drains: the running task answers and the exit code is 0', async () => {
    const s = await startWrapped();
    expect(s.out.stdout).toContain('[serve] token from GREENLET_CC_TOKEN');
    // no process in the group (wrapper, server, Python workers) carries the token in its argv
    const members = groupMembers(s.pgid);
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.filter((m) => m.cmdline.includes(TOKEN))).toEqual([]);

    const { answer } = await slowTask(s.base, 1500);
    process.kill(-s.pgid, 'SIGINT'); // what Ctrl-C in the terminal does
    await expectDrained(s, answer, 'SIGINT');
  }, 60_000);

  it('one SIGTERM to every process of the group (systemd KillMode=control-group) drains: the workers wait for the host', async () => {
    // systemd's default stop signals the host and each Python worker at once; a worker that
    // died of it failed the running task instead of letting the host's drain answer it.
    const s = await startWrapped();
    const workers = groupMembers(s.pgid).filter((m) => m.cmdline.includes('greenlet_a2a.worker'));
    expect(workers.length).toBeGreaterThan(0);
    const { answer } = await slowTask(s.base, 1500);
    process.kill(-s.pgid, 'SIGTERM');
    await expectDrained(s, answer, 'SIGTERM');
  }, 60_000);

  it('the copies of one signal (group delivery + the wrapper forwarding it) are one drain, whatever their timing', async () => {
    // Deterministic form of the race above: the kernel merges copies that arrive while one is
    // still pending, so the group test alone does not always see two. Here the server surely does.
    const s = await startWrapped();
    const { answer } = await slowTask(s.base, 1500);
    process.kill(s.serverPid, 'SIGTERM');
    await sleep(50);
    process.kill(s.serverPid, 'SIGTERM');
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await s.exited, s.out.stdout + s.out.stderr).toBe(0);
    expect(s.out.stderr).not.toMatch(/exiting without waiting/);
  }, 60_000);

  it('a signal to the wrapper alone reaches the server (forwarded once) and drains it', async () => {
    const s = await startWrapped();
    const { answer } = await slowTask(s.base, 1500);
    process.kill(s.pgid, 'SIGTERM'); // the wrapper's pid only, as `kill <pid>` would
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await s.exited).toBe(0);
    expect(s.out.stdout).toMatch(/SIGTERM: draining the pool/);
  }, 60_000);

  it('a second, separate Ctrl-C (after the first has been taken) exits at once without waiting for the drain', async () => {
    const s = await startWrapped();
    const { answer } = await slowTask(s.base, 20_000);
    answer.catch(() => undefined); // cut by the forced exit
    process.kill(-s.pgid, 'SIGINT');
    await vi.waitFor(() => expect(s.out.stdout).toMatch(/SIGINT: draining the pool/), { timeout: 10_000, interval: 20 });
    await sleep(1_300); // past the window in which copies count as one signal
    process.kill(-s.pgid, 'SIGINT');
    expect(await s.exited).toBe(1);
    expect(s.out.stderr).toMatch(/SIGINT again — exiting without waiting for the drain/);
  }, 60_000);
});
