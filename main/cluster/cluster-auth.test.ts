// Credentials reach NATS from the config or GCC_NATS_* variables, never argv: a
// server requiring a user refuses a client without one and accepts one with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from './client';
import { HostAgent } from './host-agent';
import { NatsServer, natsServerBinary } from './local-cluster';
import { resolveClusterOptions } from './options';

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
});
