// Credentials reach NATS from the config or GCC_NATS_* variables, never argv: a
// server requiring a user refuses a client without one and accepts one with it.
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, isLoopbackServer } from './connect';
import { ClusterClient } from './client';
import { HostAgent } from './host-agent';
import { freePort, NatsServer, natsServerBinary } from './local-cluster';
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
    const host = new HostAgent({
      cluster: o,
      hostId: 'env-h1',
      pool: { agent: 'fixture_agents:EnvAgent', pythonPaths: [testAgentsDir], minWorkers: 1, maxWorkers: 1 },
      slots: 4,
    });
    const client = new ClusterClient(o);
    try {
      await host.start();
      await client.start();
      expect((await client.execute({ prefix: 'GCC_NATS_' })).result).toEqual([]);
      expect((await client.execute({ prefix: 'PATH' })).result).toContain('PATH'); // the rest of the environment is still there
    } finally {
      await client.close();
      await host.stop();
      for (const [k, v] of [
        ['GCC_NATS_USER', saved.user],
        ['GCC_NATS_PASS', saved.pass],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

// A broker that asks no credentials is accepted on loopback (tests, the demo's own machine) and
// refused elsewhere unless the operator says --insecure-broker.
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
if (bin && !lanAddress) console.warn('[cluster tests] unauthenticated non-loopback broker: skipped, this machine has no non-loopback IPv4 address');

describe.skipIf(!bin || !lanAddress)('a broker without auth beyond loopback', { timeout: 60_000 }, () => {
  it('is refused with the reason unless insecureBroker (--insecure-broker) is set', async () => {
    const port = await freePort();
    const child = spawn(bin!, ['-a', lanAddress!, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((res) => child.stderr.on('data', (d: Buffer) => /Server is ready/.test(d.toString()) && res()));
      const url = `nats://${lanAddress}:${port}`;
      await expect(connectCluster(resolveClusterOptions({ servers: [url] }, {}), 't')).rejects.toMatchObject({
        code: 'ERR_CLUSTER_INSECURE',
        message: expect.stringMatching(/requires no credentials.*--insecure-broker/),
      });
      const nc = await connectCluster(resolveClusterOptions({ servers: [url], insecureBroker: true }, {}), 't');
      await nc.close(); // (on loopback, every other cluster test connects to a broker without auth)
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('loopback means 127.0.0.0/8, ::1 and localhost only', () => {
    expect(['127.0.0.1:4222', '127.1.2.3:1', 'localhost:4222', '[::1]:4222'].every(isLoopbackServer)).toBe(true);
    expect(['192.0.2.2:4222', '10.0.0.1:4222', 'broker:4222', '128.0.0.1:4222'].some(isLoopbackServer)).toBe(false);
  });
});
