// The generated broker configuration: public keys only in the server file, one 0600 credential
// file per user, names checked, and a file nats-server itself accepts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerConfig, writeBrokerConfig } from './broker-config';
import { natsServerBinary, repoRoot } from './local-cluster';
import { readClusterFile } from './options';

const dir = mkdtempSync(join(tmpdir(), 'gcc-broker-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = { pool: 'p1', servers: ['nats://broker:4222'], hosts: ['gpu-1', 'gpu-2'], callers: ['app'] };

describe('broker configuration', () => {
  it('writes the server file (public keys only) and one 0600 credential file per user, which the cluster options read', () => {
    const out = writeBrokerConfig(join(dir, 'a'), spec);
    expect(out.users.map((u) => [u.name, u.role])).toEqual([
      ['gpu-1', 'host'],
      ['gpu-2', 'host'],
      ['app', 'caller'],
      ['control', 'control'],
    ]);
    const conf = readFileSync(out.serverConf, 'utf8');
    for (const u of out.users) {
      expect(conf).toContain(u.publicKey);
      expect(conf).not.toContain(u.seed);
      expect(statSync(out.files[u.name]!).mode & 0o777).toBe(0o600);
      expect(readClusterFile(out.files[u.name]!).cluster).toMatchObject({
        servers: spec.servers,
        pool: 'p1',
        auth: { name: u.name, nkeySeed: u.seed },
      });
    }
    expect(statSync(out.serverConf).mode & 0o777).toBe(0o600);
  });

  it('refuses a name that is not a subject token, and the same name twice', () => {
    expect(() => brokerConfig({ ...spec, hosts: ['gpu.1'] })).toThrow(/user name "gpu.1" must be 1-64 letters/);
    expect(() => brokerConfig({ ...spec, callers: ['gpu-1'] })).toThrow(/"gpu-1" is given twice/);
  });

  it.skipIf(!natsServerBinary())('nats-server accepts the file (nats-server -t)', () => {
    const out = writeBrokerConfig(join(dir, 'b'), spec);
    const r = spawnSync(natsServerBinary()!, ['-t', '-c', out.serverConf], { encoding: 'utf8', cwd: repoRoot });
    expect(`${r.stdout}${r.stderr}`).toMatch(/is valid/);
  });

  it('the command refuses to overwrite an existing configuration without --force', () => {
    const args = ['--import', 'tsx', join(repoRoot, 'main', 'cluster', 'broker-config-main.ts'), '--out', join(dir, 'c'), '--hosts', 'h1'];
    expect(spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' }).status).toBe(0);
    const again = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/nats-server.conf exists; pass --force/);
  });
});
