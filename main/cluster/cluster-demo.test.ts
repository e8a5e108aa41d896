// `npm run cluster-demo` owns a nats-server, three host agents (each with Python workers) and a
// broker store: when its process crashes, they must go with it, not linger orphaned.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { natsServerBinary, repoRoot } from './local-cluster';

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

// Starts the demo, prints what it owns, then dies of an uncaught exception.
const CRASHING_PARENT = `
import { startDemo } from './main/cluster/demo-cluster.ts';
const demo = await startDemo(process.argv[1], null, () => undefined);
const { server, hosts, credentialsDir } = demo.parts;
console.log('OWNED ' + JSON.stringify({ server: server.child.pid, storeDir: server.storeDir, hosts: hosts.map((h) => h.pid), credentialsDir }));
setTimeout(() => { throw new Error('the demo parent crashed'); }, 100);
`;

describe.skipIf(!bin)('cluster-demo', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gcc-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a crash of its process ends nats-server and every host process group, and removes the broker store and the credentials', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CRASHING_PARENT, dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    expect(out).toContain('the demo parent crashed');
    expect(code).not.toBe(0);
    const owned = JSON.parse(/OWNED (.*)/.exec(out)![1]!) as { server: number; storeDir: string; hosts: number[]; credentialsDir: string };
    expect(owned.hosts).toHaveLength(3);
    const end = Date.now() + 5_000;
    while ((alive(owned.server) || owned.hosts.some((h) => alive(-h))) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(alive(owned.server)).toBe(false);
    expect(owned.hosts.filter((h) => alive(-h))).toEqual([]); // each group: the host and its Python workers
    expect(existsSync(owned.storeDir)).toBe(false);
    expect(existsSync(owned.credentialsDir)).toBe(false);
  });
});
