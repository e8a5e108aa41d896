// Cluster options are checked up front, each refusal naming its field; credentials come from env when the config leaves them out.
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authFromEnv, describeAuth, readClusterFile, resolveClusterOptions } from './options';
import { backoffFor } from './topology';

const servers = ['nats://127.0.0.1:4222'];
const refusal = (input: Parameters<typeof resolveClusterOptions>[0]) => {
  try {
    resolveClusterOptions(input, {});
  } catch (e) {
    return e as { code: string; message: string; details: { field: string } };
  }
  throw new Error('expected a refusal');
};

describe('resolveClusterOptions', () => {
  it('fills defaults and accepts a comma-separated server list', () => {
    const o = resolveClusterOptions({ servers: 'nats://a:4222,nats://b:4222' }, {});
    expect(o).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      pool: 'default',
      maxDeliver: 3,
      ackWaitMs: 30_000,
      replicas: 1,
      auth: {},
    });
  });

  it.each([
    [{ servers: [] }, 'servers'],
    [{ servers: ['http://x:1'] }, 'servers'],
    [{ servers, pool: 'a.b' }, 'pool'],
    [{ servers, ackWaitMs: 500 }, 'ackWaitMs'],
    [{ servers, ackWaitMs: 2 ** 31 }, 'ackWaitMs'],
    [{ servers, maxDeliver: 0 }, 'maxDeliver'],
    [{ servers, heartbeatMs: 1_000, staleAfterMs: 900 }, 'downAfterMs'],
    [{ servers, ackPendingAlertRatio: 1.5 }, 'ackPendingAlertRatio'],
    [{ servers, replicas: 0 }, 'replicas'],
    [{ servers, replicas: 6 }, 'replicas'],
    [{ servers, replicas: 2.5 }, 'replicas'],
    [{ servers, auth: { pass: 'x' } }, 'auth.pass'],
  ])('refuses %j naming cluster.%s', (input, field) => {
    const e = refusal(input as Parameters<typeof resolveClusterOptions>[0]);
    expect(e.code).toBe('ERR_CLUSTER_OPTION');
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(`cluster.${field}`);
  });

  it('takes credentials from GCC_NATS_* when the config has none; config wins over env', () => {
    const env = { GCC_NATS_USER: 'u', GCC_NATS_PASS: 'p', GCC_NATS_TOKEN: 't', GCC_NATS_TLS_CA: '/ca.pem' } as NodeJS.ProcessEnv;
    expect(authFromEnv({}, env)).toEqual({ user: 'u', pass: 'p', token: 't', tls: { caFile: '/ca.pem', certFile: undefined, keyFile: undefined } });
    expect(authFromEnv({ user: 'cfg' }, env).user).toBe('cfg');
    expect(describeAuth(authFromEnv({}, env))).toEqual(['user', 'pass', 'token', 'tls']); // names only, never values
    expect(authFromEnv({}, { GCC_NATS_NAME: 'gpu-1', GCC_NATS_NKEY_SEED: 'SU…' })).toEqual({ name: 'gpu-1', nkeySeed: 'SU…' });
  });

  it('backs off redeliveries from ack_wait, one entry per redelivery at most', () => {
    const o = resolveClusterOptions({ servers, ackWaitMs: 2_000, maxDeliver: 3 }, {});
    expect(backoffFor(o)).toEqual([2e9, 4e9, 8e9]);
  });
});

describe('readClusterFile', () => {
  const withFile = (content: unknown, mode: number, run: (file: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'gcc-cfg-'));
    const file = join(dir, 'cluster.json');
    writeFileSync(file, JSON.stringify(content));
    chmodSync(file, mode);
    try {
      run(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it.skipIf(process.platform === 'win32')('refuses a file holding a password that group or others can read, saying why', () => {
    withFile({ cluster: { auth: { user: 'u', pass: 'p' } } }, 0o644, (file) => {
      expect(() => readClusterFile(file)).toThrow(/holds cluster\.auth\.pass but is readable by group or others \(mode 0644\); run `chmod 600/);
    });
    withFile({ cluster: { auth: { nkeySeed: 'SU…' } } }, 0o640, (file) => expect(() => readClusterFile(file)).toThrow(/cluster\.auth\.nkeySeed/));
  });

  it.skipIf(process.platform === 'win32')('refuses a file holding a credential that another user owns', () => {
    withFile({ cluster: { auth: { token: 't' } } }, 0o600, (file) => {
      expect(() => readClusterFile(file, 4242)).toThrow(/owned by uid \d+, not by this user \(uid 4242\)/);
    });
  });

  it('reads a 0600 file with credentials, and any readable file without them', () => {
    withFile({ cluster: { auth: { user: 'u', pass: 'p' } } }, 0o600, (file) => expect(readClusterFile(file).cluster?.auth?.pass).toBe('p'));
    withFile({ cluster: { pool: 'x' }, pool: { minWorkers: 1 } }, 0o644, (file) => expect(readClusterFile(file).cluster?.pool).toBe('x'));
  });
});
