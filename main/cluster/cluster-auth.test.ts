// Credentials reach NATS from the config or GCC_NATS_* variables, never argv: a
// server requiring a user refuses a client without one and accepts one with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from './client';
import { HostAgent } from './host-agent';
import { NatsServer, natsServerBinary } from './local-cluster';
import { resolveClusterOptions } from './options';
import { testAgentsDir } from '../pool/test-support/test-agents';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

describe.skipIf(!bin)('cluster credentials', { timeout: 60_000 }, () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start(bin!, 'authorization { user: gcc, password: "s3cret-pass" }\n');
  });
  afterAll(async () => server?.dispose());

  it('refuses a client without credentials, naming the server', async () => {
    const client = new ClusterClient(resolveClusterOptions({ servers: [server.url], pool: 'auth' }, {}));
    await expect(client.start()).rejects.toMatchObject({ code: 'ERR_CLUSTER_UNAVAILABLE', message: expect.stringContaining(server.url) });
  });

  it('a host and a client with GCC_NATS_USER/GCC_NATS_PASS from the environment work end to end', async () => {
    const env = { GCC_NATS_USER: 'gcc', GCC_NATS_PASS: 's3cret-pass' } as NodeJS.ProcessEnv;
    const o = resolveClusterOptions({ servers: [server.url], pool: 'auth' }, env);
    const host = new HostAgent({ cluster: o, hostId: 'auth-h1', pool: { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 }, slots: 4 });
    await host.start();
    const client = new ClusterClient(o);
    try {
      await client.start();
      expect((await client.execute({ ok: 1 })).result).toEqual({ ok: 1 });
    } finally {
      await client.close();
      await host.stop();
    }
  });

  it("a host's Python workers do not get GCC_NATS_* (the host's broker credentials) in their environment", async () => {
    const saved = { user: process.env.GCC_NATS_USER, pass: process.env.GCC_NATS_PASS };
    process.env.GCC_NATS_USER = 'gcc';
    process.env.GCC_NATS_PASS = 's3cret-pass';
    const o = resolveClusterOptions({ servers: [server.url], pool: 'authenv' });
    const host = new HostAgent({ cluster: o, hostId: 'env-h1', pool: { agent: 'fixture_agents:EnvAgent', pythonPaths: [testAgentsDir], minWorkers: 1, maxWorkers: 1 }, slots: 4 });
    const client = new ClusterClient(o);
    try {
      await host.start();
      await client.start();
      expect((await client.execute({ prefix: 'GCC_NATS_' })).result).toEqual([]);
      expect((await client.execute({ prefix: 'PATH' })).result).toContain('PATH'); // the rest of the environment is still there
    } finally {
      await client.close();
      await host.stop();
      for (const [k, v] of [['GCC_NATS_USER', saved.user], ['GCC_NATS_PASS', saved.pass]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
