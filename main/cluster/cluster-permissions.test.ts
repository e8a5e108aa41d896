// Least privilege on the broker: a real nats-server started with the configuration that
// broker-config.ts generates. Each role does its own job end to end, and NATS itself answers
// "Permissions Violation" to everything else a caller or host credential tries.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConfig, type BrokerConfig } from './broker-config';
import { ClusterClient } from './client';
import { connectCluster } from './connect';
import { HostAgent } from './host-agent';
import { NatsServer, natsServerBinary } from './local-cluster';
import { resolveClusterOptions, type ClusterOptions } from './options';
import { ensureStreams, names } from './topology';
import { sleep } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

const POOL = 'perm';
const n = names(POOL);

/** Runs `action` and resolves with the permission violations NATS reported meanwhile (as a rejection or an async error). */
async function violations(nc: NatsConnection, action: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const watching = (async () => {
    for await (const s of nc.status()) if (s.type === 'error') seen.push(String((s as { error?: Error }).error?.message));
  })();
  await action().catch((e: Error) => seen.push(e.message));
  await nc.flush();
  await sleep(100); // the server's -ERR follows the publish
  void watching;
  return seen.filter((m) => /Permissions Violation/.test(m));
}

describe.skipIf(!bin)('broker permissions per role (generated nats-server config)', { timeout: 90_000 }, () => {
  let server: NatsServer;
  let cfg: BrokerConfig;
  let host: HostAgent;
  let control: NatsConnection;
  const conns: NatsConnection[] = [];
  const opts = (name: string): ClusterOptions =>
    resolveClusterOptions(
      { servers: [server.url], pool: POOL, ackWaitMs: 2_000, auth: { name, nkeySeed: cfg.users.find((u) => u.name === name)!.seed } },
      {},
    );
  const as = async (name: string) => {
    const nc = await connectCluster(opts(name), `test-${name}`);
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    cfg = brokerConfig({ pool: POOL, servers: [], hosts: ['h1'], callers: ['alice', 'bob'] });
    server = await NatsServer.start(bin!, cfg.serverConf);
    control = await as('control'); // only the control center may create the streams and buckets
    await ensureStreams(control, await jetstreamManager(control), opts('control'));
    host = new HostAgent({ cluster: opts('h1'), hostId: 'h1', pool: { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 }, slots: 4 });
    await host.start();
  }, 90_000);

  afterAll(async () => {
    await host?.stop();
    for (const nc of conns) await nc.close().catch(() => undefined);
    await server?.dispose();
  });

  it('each role does its job: a caller gets its answer from the host, the control center reaches the host', async () => {
    const alice = new ClusterClient(opts('alice'));
    await alice.start();
    try {
      expect((await alice.execute({ hello: 'alice' })).result).toEqual({ hello: 'alice' });
    } finally {
      await alice.close();
    }
    const reply = await control.request(n.controlSubject('h1'), JSON.stringify({ op: 'stats' }), { timeout: 10_000 });
    expect(reply.json<{ ok: boolean; hostId: string }>()).toMatchObject({ ok: true, hostId: 'h1' });
  });

  it('a caller cannot publish control', async () => {
    const nc = await as('alice');
    expect(await violations(nc, () => nc.request(n.controlSubject('all'), JSON.stringify({ op: 'stats' }), { timeout: 2_000 }))).not.toEqual([]);
  });

  it("a caller cannot read the work stream: no message get, no consumer of its own, no pull from the hosts' consumer", async () => {
    const nc = await as('alice');
    const jsm = await jetstreamManager(nc);
    expect(await violations(nc, () => jsm.streams.getMessage(n.stream, { seq: 1 }))).not.toEqual([]);
    expect(await violations(nc, () => jsm.consumers.add(n.stream, { name: 'thief', filter_subject: n.workSubject }))).not.toEqual([]);
    expect(
      await violations(nc, () =>
        nc.request(`$JS.API.CONSUMER.MSG.NEXT.${n.stream}.${n.consumer}`, JSON.stringify({ batch: 1, expires: 500_000_000 }), { timeout: 2_000 }),
      ),
    ).not.toEqual([]);
  });

  it("a caller cannot read another caller's results", async () => {
    const nc = await as('alice');
    const { results } = await ensureStreams(nc, await jetstreamManager(nc), opts('alice'));
    expect(await violations(nc, () => results.watch({ key: 'bob.>' }))).not.toEqual([]);
    expect(await violations(nc, () => results.get('bob.c1.m1'))).not.toEqual([]);
  });

  it('a caller cannot write a result, not even under its own prefix', async () => {
    const nc = await as('alice');
    const js = jetstream(nc);
    const forged = JSON.stringify({ ok: true, result: 'forged', hostId: 'x', delivery: 1 });
    expect(await violations(nc, () => js.publish(`$KV.${n.results}.bob.c1.m1`, forged, { timeout: 2_000 }))).not.toEqual([]);
    expect(await violations(nc, () => js.publish(`$KV.${n.results}.alice.c1.m1`, forged, { timeout: 2_000 }))).not.toEqual([]);
  });

  it('neither a caller nor a host can delete a stream', async () => {
    for (const who of ['alice', 'h1']) {
      const nc = await as(who);
      const jsm = await jetstreamManager(nc);
      expect(await violations(nc, () => jsm.streams.delete(n.stream))).not.toEqual([]);
    }
    const jsm = await jetstreamManager(control);
    expect((await jsm.streams.info(n.stream)).config.name).toBe(n.stream);
  });

  it("a host cannot send control, nor subscribe to another host's control subject", async () => {
    const nc = await as('h1');
    expect(await violations(nc, () => nc.request(n.controlSubject('all'), JSON.stringify({ op: 'stats' }), { timeout: 2_000 }))).not.toEqual([]);
    expect(await violations(nc, async () => nc.subscribe(n.controlSubject('h2')))).not.toEqual([]);
  });
});
