// A host takes at most as many messages as its local pool accepts at once: a surplus would be
// refused (queue full) and naked with nakDelayMs, so under a backlog every fetch lost some
// messages to a ~1 s redelivery (1,000 outstanding fell to a tenth of the rate at 200).
import { describe, expect, it } from 'vitest';
import { HostAgent } from './host-agent';
import { freePort } from './local-cluster';
import { resolveClusterOptions } from './options';

const cluster = resolveClusterOptions({ servers: [`nats://127.0.0.1:${await freePort()}`] }, {}); // nothing listens there
const pool = { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1, concurrencyPerWorker: 100, messageQueueSize: 100 };

describe('host slots', () => {
  it('are capped at minWorkers × concurrencyPerWorker + messageQueueSize, with a warning naming the figures', async () => {
    const host = new HostAgent({ cluster, hostId: 'h', pool, slots: 216 });
    expect(host.capacity).toBe(200);
    const warnings: string[] = [];
    host.on('warn', (m: string) => warnings.push(m));
    await host.start().catch(() => undefined); // no server here: only the warning before connecting matters
    await host.pool.shutdown();
    expect(warnings[0]).toMatch(/slots 216 is more than the local pool takes at once .* 200\): using 200/);
  });

  it('are left as asked when the pool can take them', () => {
    expect(new HostAgent({ cluster, hostId: 'h', pool, slots: 150 }).capacity).toBe(150);
  });
});
