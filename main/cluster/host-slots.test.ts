// A host takes at most as many messages as its local pool accepts at once: a surplus would be
// refused (queue full) and naked with nakDelayMs, so under a backlog every fetch lost some
// messages to a ~1 s redelivery (1,000 outstanding fell to a tenth of the rate at 200).
import { describe, expect, it } from 'vitest';
import { HostAgent } from './host-agent';
import { freePort } from './local-cluster';
import { resolveClusterOptions } from './options';
import { Slots } from './slots';

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

describe('what a pull asks for', () => {
  it('the free slots in messages, and in bytes (with a quarter of the capacity more) at the sizes delivered so far; nothing while a top-up would be small', () => {
    const slots = new Slots(216, () => undefined);
    for (let i = 0; i < 50; i++) slots.observe(50, 5_000); // envelopes of 50 members, 5,000 bytes each
    expect(slots.idle).toBe(true);
    const idle = slots.wanted();
    expect(idle.n).toBe(4); // 216 free / ≈ 50 a message
    // ≈ 104 bytes a member (headers allowed for) × (216 free + a quarter of the capacity to keep the pool fed) × 1.25
    expect(idle.maxBytes).toBeGreaterThan(270 * 100 * 1.2);
    expect(idle.maxBytes).toBeLessThan(270 * 110 * 1.3);
    for (let i = 0; i < 200; i++) void slots.acquire();
    expect(slots.idle).toBe(false);
    expect(slots.wanted()).toEqual({ n: 0, maxBytes: 0 }); // 16 free: under an eighth of 216
    for (let i = 0; i < 40; i++) slots.release();
    const some = slots.wanted(); // 56 free (+ 54): about two envelopes' worth, not three
    expect(some.n).toBe(1);
    expect(some.maxBytes).toBeLessThan(3 * 50 * 104);
  });
});
