// Cluster basics against a real nats-server and real Python workers in host
// agent child processes: results, poison → dead letters, requeue, per-host
// control, and a host's state in the registry — on a broker started with the generated
// least-privilege configuration: each host, the caller and the control center with its own credential.
import { mkdtempSync, rmSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerConfig } from './broker-config';
import { ClusterClient } from './client';
import { connectCluster } from './connect';
import { ensureStreams, HDR_DEADLINE, HDR_REPLY, names } from './topology';
import { ClusterMonitor } from './monitor';
import { resolveClusterOptions, type ClusterOptions } from './options';
import { HostProcess, NatsServer, natsServerBinary } from './local-cluster';
import { writeSecret } from './broker-config';
import { sleep } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

describe.skipIf(!bin)('cluster basics', { timeout: 120_000 }, () => {
  let server: NatsServer;
  let dir: string;
  let o: ClusterOptions;
  const hosts: HostProcess[] = [];
  let client: ClusterClient;
  let monitor: ClusterMonitor;
  let control: NatsConnection;

  beforeAll(async () => {
    const broker = brokerConfig({ pool: 'basic', servers: [], hosts: ['h1', 'h2'], callers: ['app'] });
    const auth = (name: string) => ({ name, nkeySeed: broker.users.find((u) => u.name === name)!.seed });
    server = await NatsServer.start(bin!, broker.serverConf);
    dir = mkdtempSync(join(tmpdir(), 'gcc-cluster-'));
    const cluster = {
      pool: 'basic',
      ackWaitMs: 2_000,
      maxDeliver: 3,
      nakDelayMs: 50,
      nakJitterMs: 50,
      heartbeatMs: 250,
      staleAfterMs: 1_000,
      downAfterMs: 2_000,
      timeoutMs: 30_000,
    };
    const oc = resolveClusterOptions({ ...cluster, servers: [server.url], auth: auth('control') }, {});
    control = await connectCluster(oc, 'basic-control');
    await ensureStreams(control, await jetstreamManager(control), oc); // only the control center may create them
    const pool = {
      agent: 'crash_agent:CrashAgent',
      minWorkers: 1,
      maxWorkers: 1,
      restartOnFailure: true,
      healthCheckInterval: 60_000,
      workerRecycleInterval: 0,
      maxMessagesPerWorker: 0,
    };
    for (const id of ['h1', 'h2']) {
      const cfg = join(dir, `${id}.json`);
      writeSecret(cfg, JSON.stringify({ cluster: { ...cluster, auth: auth(id) }, pool }));
      hosts.push(await HostProcess.start(server.url, id, cfg, ['--slots', '16']));
    }
    o = resolveClusterOptions({ ...cluster, servers: [server.url], auth: auth('app') }, {});
    client = new ClusterClient(o);
    await client.start();
    monitor = new ClusterMonitor(control, oc);
    await monitor.start();
  }, 120_000);

  afterAll(async () => {
    monitor?.stop();
    await client?.close();
    await control?.close();
    for (const h of hosts) await h.killGroup();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every message with its own result, each once', async () => {
    const outs = await Promise.all(Array.from({ length: 300 }, (_, i) => client.execute({ i })));
    expect(outs.map((o) => (o.result as { i: number }).i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(new Set(outs.map((o) => o.hostId))).toEqual(new Set(['h1', 'h2']));
    expect(client.stats.duplicateResults).toBe(0);
  });

  it('a message whose reply header cannot form a results key is terminated at once, its result stored nowhere', async () => {
    // The host builds the result's subject from this header: a wildcard would publish elsewhere (or
    // be refused forever, the message held and retried until its deadline).
    const h = headers();
    h.set(HDR_REPLY, `${client.clientId}.*`);
    h.set(HDR_DEADLINE, String(Date.now() + 60_000));
    await jetstream(client.connection).publish(names(o.pool).workSubject, '{"i":-1}', { msgID: 'bad-reply-1', headers: h });
    const jsm = await jetstreamManager(control);
    const terms = () => monitor.list().reduce((n, x) => n + x.terms, 0); // from the hosts' heartbeats
    const settled = async () => {
      const info = await jsm.consumers.info(names(o.pool).stream, names(o.pool).consumer);
      return info.num_pending === 0 && info.num_ack_pending === 0 && terms() > 0;
    };
    let done = await settled();
    for (let i = 0; i < 50 && !done; i++) {
      await sleep(100);
      done = await settled();
    }
    expect(done).toBe(true);
  });

  it('a poison message ends in dead letters with ERR_POISON_MESSAGE after max_deliver tries, and can be requeued', async () => {
    const err = await client.execute({ crash: true, tag: 'poison-1' }).catch((e: unknown) => e as { code: string; details: { attempts: number } });
    expect(err).toMatchObject({ code: 'ERR_POISON_MESSAGE', details: { attempts: o.maxDeliver } });
    // The advisory-fed router moves it; poll the dead-letter stream until it shows.
    let dead = await monitor.deadLetters!.list();
    for (let i = 0; i < 100 && !dead.some((d) => d.data.includes('poison-1')); i++) {
      await sleep(100);
      dead = await monitor.deadLetters!.list();
    }
    const letter = dead.find((d) => d.data.includes('poison-1'));
    expect(letter).toMatchObject({ caller: client.clientId, deliveries: o.maxDeliver });
    const again = await monitor.deadLetters!.requeue(letter!.seq);
    expect(again.messageId).not.toBe(letter!.messageId);
    expect((await monitor.deadLetters!.list()).some((d) => d.seq === letter!.seq)).toBe(false);
    // Still poison: it comes back as a new dead letter.
    let back = false;
    for (let i = 0; i < 150 && !back; i++) {
      await sleep(100);
      back = (await monitor.deadLetters!.list()).some((d) => d.data.includes('poison-1') && d.seq !== letter!.seq);
    }
    expect(back).toBe(true);
  });

  it('a poison message sent in one envelope with 19 others: they are answered, only it ends in dead letters', async () => {
    for (let i = 0; i < 20; i++) await client.execute({ i }); // short answers, one by one: the client packs from now on
    const envelopes = client.stats.envelopes;
    const sends = Array.from({ length: 20 }, (_, i) =>
      client.execute(i === 7 ? { crash: true, tag: 'poison-env' } : { i, tag: 'sibling' }).then(
        (x) => ({ ok: true as const, i: (x.result as { i: number }).i, delivery: x.delivery }),
        (e: { code: string; details?: { attempts?: number } }) => ({ ok: false as const, code: e.code, attempts: e.details?.attempts }),
      ),
    );
    const outs = await Promise.all(sends);
    expect(client.stats.envelopes).toBe(envelopes + 1); // sent in one turn: one broker message
    expect(outs[7]).toEqual({ ok: false, code: 'ERR_POISON_MESSAGE', attempts: o.maxDeliver });
    const siblings = outs.filter((_, i) => i !== 7);
    expect(siblings.map((x) => (x.ok ? x.i : x.code))).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7));
    // A sibling on the crashed worker runs once more, alone; none is run to max_deliver beside the culprit.
    expect(Math.max(...siblings.map((x) => (x.ok ? x.delivery : 99)))).toBeLessThan(o.maxDeliver);
    let dead = await monitor.deadLetters!.list();
    for (let i = 0; i < 100 && !dead.some((d) => d.data.includes('poison-env')); i++) {
      await sleep(100);
      dead = await monitor.deadLetters!.list();
    }
    expect(dead.filter((d) => d.data.includes('poison-env'))).toMatchObject([{ caller: client.clientId, deliveries: o.maxDeliver }]);
    expect(dead.some((d) => d.data.includes('sibling'))).toBe(false);
    expect(client.stats.duplicateResults).toBe(0);
    // the hosts' records say how their envelopes' answers were stored (the Hosts view shows it)
    const carried = () => monitor.list().reduce((n, h) => n + (h.envelopes?.envelopes ?? 0), 0);
    for (let i = 0; i < 30 && carried() === 0; i++) await sleep(100);
    expect(carried()).toBeGreaterThan(0);
    const e = monitor.list().find((h) => (h.envelopes?.envelopes ?? 0) > 0)!.envelopes!;
    expect(e.grouped + e.alone).toBeGreaterThan(0);
  });

  it('sends that arrive one per turn (a request each) share envelopes once many short ones are outstanding', async () => {
    for (let i = 0; i < 10; i++) await client.execute({ i }); // short answers: packing on
    const envelopes = client.stats.envelopes;
    const outs: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      outs.push(client.execute({ i, tag: 'one-per-turn' }));
      await new Promise((r) => setImmediate(r)); // the next send comes in a turn of its own, as an HTTP request would
    }
    await Promise.all(outs);
    expect(client.stats.envelopes).toBeGreaterThan(envelopes);
  });

  it('per-host control: stats of one host, scale on all', async () => {
    const [stats] = await monitor.control('h1', { op: 'stats' });
    expect(stats).toMatchObject({ hostId: 'h1', ok: true, result: { total: 1 } });
    const replies = await monitor.control('all', { op: 'scale', minWorkers: 2, maxWorkers: 2 });
    expect(replies.map((r) => r.hostId).sort()).toEqual(['h1', 'h2']);
    expect(replies.every((r) => r.ok)).toBe(true);
    const bad = await monitor.control('h2', { op: 'scale', minWorkers: 3, maxWorkers: 1 });
    expect(bad[0]).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_OPTION' } });
  });

  it('hosts show up, and a killed host shows down within the heartbeat window', async () => {
    expect(
      monitor
        .list()
        .filter((h) => h.status === 'up')
        .map((h) => h.hostId),
    ).toEqual(['h1', 'h2']);
    const changes: { hostId: string; to: string }[] = [];
    monitor.on('host', (c: { hostId: string; to: string }) => changes.push(c));
    await hosts[1]!.killGroup();
    const killedAt = Date.now();
    while (!changes.some((c) => c.hostId === 'h2' && c.to === 'down') && Date.now() - killedAt < 10_000) await sleep(50);
    expect(changes.filter((c) => c.hostId === 'h2').map((c) => c.to)).toEqual(['stale', 'down']);
    expect(monitor.list().find((h) => h.hostId === 'h1')?.status).toBe('up');
  });
});
