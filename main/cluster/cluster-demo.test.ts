// `npm run cluster-demo` owns a nats-server, three host agents (each with Python workers) and a
// broker store: when its process crashes, they must go with it, not linger orphaned.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { natsServerBinary, repoRoot } from './local-cluster';
import { sleep } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Starts the demo, prints what it owns, then dies of an uncaught exception or waits to be killed.
const DEMO_PARENT = (end: 'throw' | 'wait') => `
import { startDemo } from './main/cluster/demo-cluster.ts';
const demo = await startDemo(process.argv[1], null, () => undefined);
const { server, hosts, credentialsDir } = demo.parts;
console.log('OWNED ' + JSON.stringify({ server: server.child.pid, storeDir: server.storeDir, hosts: hosts.map((h) => h.pid), credentialsDir }));
${end === 'throw' ? "setTimeout(() => { throw new Error('the demo parent crashed'); }, 100);" : 'setInterval(() => undefined, 1_000);'}
`;

interface Owned {
  server: number;
  storeDir: string;
  hosts: number[];
  credentialsDir: string;
}

async function expectAllGone(owned: Owned): Promise<void> {
  expect(owned.hosts).toHaveLength(3);
  const end = Date.now() + 5_000;
  const left = () => alive(owned.server) || owned.hosts.some((h) => alive(-h)) || existsSync(owned.storeDir) || existsSync(owned.credentialsDir);
  while (left() && Date.now() < end) await sleep(50);
  expect(alive(owned.server)).toBe(false);
  expect(owned.hosts.filter((h) => alive(-h))).toEqual([]); // each group: the host and its Python workers
  expect(existsSync(owned.storeDir)).toBe(false);
  expect(existsSync(owned.credentialsDir)).toBe(false);
}

function startParent(dataDir: string, end: 'throw' | 'wait') {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', DEMO_PARENT(end), dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const owned = new Promise<Owned>((res) => {
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /OWNED (.*)/.exec(out);
      if (m) res(JSON.parse(m[1]!) as Owned);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  return { child, owned, exited, output: () => out };
}

describe.skipIf(!bin)('cluster-demo', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gcc-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a crash of its process ends nats-server and every host process group, and removes the broker store and the credentials', async () => {
    const p = startParent(join(dataDir, 'crash'), 'throw');
    const owned = await p.owned;
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toContain('the demo parent crashed');
    await expectAllGone(owned);
  });

  it('so does a SIGKILL of its process, which runs no exit hook (the watchdog sees its pipe close)', async () => {
    const p = startParent(join(dataDir, 'kill'), 'wait');
    const owned = await p.owned;
    p.child.kill('SIGKILL');
    await p.exited;
    await expectAllGone(owned);
  });
});
