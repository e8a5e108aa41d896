// Faults across hosts, with a real nats-server and real Python workers in host
// agent child processes (own process groups): a whole host killed with -9
// mid-load, a host paused past ack_wait, and the server restarted mid-load.
// The invariant each time: every caller gets exactly one answer, its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from './client';
import { jetstreamManager } from '@nats-io/jetstream';
import { ClusterMonitor } from './monitor';
import { names } from './topology';
import { resolveClusterOptions, type ClusterOptions } from './options';
import { HostProcess, NatsServer, natsServerBinary, writeClusterConfig } from './local-cluster';
import { sleep } from '../../common/test-support/wait';
import { ECHO_POOL, killHosts, windowed } from './test-support/cluster-kit';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

/** Sends n messages keeping `window` outstanding; calls `at(done)` as answers come. Resolves with every outcome by index. */
const load = (client: ClusterClient, n: number, window: number, data: (i: number) => unknown, at?: (done: number) => void) =>
  windowed(n, window, (i) => client.execute(data(i)), at);

describe.skipIf(!bin)('cluster faults', { timeout: 300_000 }, () => {
  let server: NatsServer;
  let dir: string;
  let hosts: HostProcess[] = [];
  let client: ClusterClient | null = null;
  let monitor: ClusterMonitor | null = null;

  beforeAll(async () => {
    server = await NatsServer.start(bin!);
    dir = mkdtempSync(join(tmpdir(), 'gcc-cluster-'));
  });
  afterEach(async () => {
    monitor?.stop();
    await client?.close();
    await killHosts(hosts);
    hosts = [];
  });
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cluster(pool: string, n: number, timing: Partial<ClusterOptions>, slots = 64): Promise<ClusterOptions> {
    const c = { pool, heartbeatMs: 250, staleAfterMs: 1_000, downAfterMs: 2_000, nakDelayMs: 50, nakJitterMs: 100, timeoutMs: 240_000, ...timing };
    const cfg = writeClusterConfig(mkdtempSync(join(dir, pool)), c, ECHO_POOL);
    const o = resolveClusterOptions({ ...c, servers: [server.url] });
    hosts = await Promise.all(
      Array.from({ length: n }, (_, i) => HostProcess.start(server.url, `${pool}-h${i + 1}`, cfg, ['--slots', String(slots)])),
    );
    client = new ClusterClient(o);
    await client.start();
    monitor = new ClusterMonitor(client.connection, o);
    await monitor.start();
    return o;
  }

  // 10 ms messages travel alone; 1 ms ones in envelopes (client.ts packs answers that take < 10 ms).
  it.each([
    { sleepMs: 10, how: 'alone', pool: 'kill' },
    { sleepMs: 1, how: 'in envelopes', pool: 'killenv' },
  ])('kill -9 of a whole host mid-load, messages $how: 20,000 each answered once, none lost, the host shown down', async ({ sleepMs, pool }) => {
    const o = await cluster(pool, 3, { ackWaitMs: 3_000 });
    const N = 20_000;
    const downs: { hostId: string; to: string; heartbeatAgeMs: number }[] = [];
    monitor!.on('host', (c: { hostId: string; to: string; heartbeatAgeMs: number }) => downs.push(c));
    let killed: Promise<void> | null = null;
    // Each message sleeps 10 ms (cooperatively), so every host always holds a few dozen of them
    // in its workers: the kill then always catches messages whose results were never stored.
    // (With bare echo, a fast machine could kill a host whose fetched messages were all stored.)
    // Killed only once its last heartbeat shows it holding work, so the kill always leaves messages
    // to redeliver (on a loaded CI box a host can be between fetches at any given moment).
    const holdingWork = async () => {
      for (let i = 0; i < 200 && !(monitor!.list().find((h) => h.hostId === `${pool}-h3`)?.inFlight ?? 0); i++) await sleep(10);
    };
    const outs = await load(
      client!,
      N,
      1_000,
      (i) => ({ i, sleep_ms: sleepMs }),
      (done) => {
        if (done === 5_000) killed = holdingWork().then(() => hosts[2]!.killGroup());
      },
    );
    await killed;
    expect(outs.map((x) => (x.result as { i: number }).i)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(client!.stats.settled).toBe(N);
    expect(client!.stats.duplicateResults).toBe(0);
    expect(outs.some((x) => x.hostId === `${pool}-h3`)).toBe(true);
    if (sleepMs >= 10) expect(client!.stats.envelopes).toBe(0);
    else expect(client!.stats.envelopes).toBeGreaterThan(10);
    // The dead host's unacked messages were redelivered: either a survivor ran one and its answer
    // came back (delivery > 1), or the dead host had stored the result before it died and the
    // survivor's store lost the race (its `duplicates` counter) — the caller still got one answer.
    const survivorDuplicates = () =>
      monitor!
        .list()
        .filter((h) => h.hostId !== `${pool}-h3`)
        .reduce((n, h) => n + h.duplicates, 0);
    const redelivered = () => outs.some((x) => x.delivery > 1) || survivorDuplicates() > 0;
    for (let i = 0; i < 50 && !redelivered(); i++) await sleep(100); // duplicates arrive with the next heartbeat
    expect(redelivered()).toBe(true);
    for (let i = 0; i < 100 && !downs.some((d) => d.hostId === `${pool}-h3` && d.to === 'down'); i++) await sleep(100);
    const down = downs.find((d) => d.hostId === `${pool}-h3` && d.to === 'down');
    expect(down).toBeDefined();
    expect(down!.heartbeatAgeMs).toBeGreaterThanOrEqual(o.downAfterMs);
    // The survivors: up (a heartbeat delayed by the load may have shown one stale for a moment).
    const live = () =>
      monitor!
        .list()
        .filter((h) => h.status === 'up')
        .map((h) => h.hostId);
    for (let i = 0; i < 50 && live().length < 2; i++) await sleep(100);
    expect(live()).toEqual([`${pool}-h1`, `${pool}-h2`]);
  });

  it('a host paused with SIGSTOP past ack_wait and resumed: no duplicate result reaches a caller', async () => {
    const o = await cluster('pause', 2, { ackWaitMs: 1_500 }, 32);
    const paused = hosts[0]!;
    let resumed: Promise<void> | null = null;
    const outs = await load(
      client!,
      600,
      64,
      (i) => ({ i, sleep_ms: 100 }),
      (done) => {
        if (done === 100) {
          paused.signalGroup('SIGSTOP');
          resumed = sleep(o.ackWaitMs + 1_500).then(() => paused.signalGroup('SIGCONT'));
        }
      },
    );
    await resumed;
    expect(outs.map((x) => (x.result as { i: number }).i)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(client!.stats.duplicateResults).toBe(0);
    expect(client!.stats.lateResults).toBe(0);
    // Whether the paused host's messages were redelivered before SIGCONT depends on where each one
    // was at the stop (8 runs here: 5 showed a redelivery — an answer with delivery > 1 or a lost
    // store race in a host's duplicates — and 3 none, the paused host answering them itself after
    // SIGCONT). The guarantee is the same either way and is asserted above: every caller got exactly
    // one answer, none twice, none late. When a race did happen, it was counted, not answered twice:
    const raced = () => monitor!.list().reduce((n, h) => n + h.duplicates, 0);
    await sleep(500); // duplicates arrive with the next heartbeat
    expect(raced()).toBeLessThanOrEqual(outs.filter((x) => x.delivery === 1).length);
  });

  it('a message running past ack_wait is kept alive by working() heartbeats: delivered once', async () => {
    const o = await cluster('long', 2, { ackWaitMs: 1_500 }, 4);
    const outs = await Promise.all([client!.execute({ sleep_ms: 4_000 }), client!.execute({ sleep_ms: 4_000 })]);
    expect(outs.map((x) => x.delivery)).toEqual([1, 1]);
    const jsm = await jetstreamManager(client!.connection);
    // The ack follows the stored result, so the caller may hear first: wait for the acks to land.
    let info = await jsm.consumers.info(names(o.pool).stream, names(o.pool).consumer);
    for (let i = 0; i < 50 && info.num_ack_pending > 0; i++) {
      await sleep(100);
      info = await jsm.consumers.info(names(o.pool).stream, names(o.pool).consumer);
    }
    expect(info.num_redelivered).toBe(0); // without working() both would have gone out again after 1.5 s
    expect(info.num_ack_pending).toBe(0);
  });

  it('nats-server restarted mid-load: hosts reconnect and nothing is lost', async () => {
    await cluster('restart', 2, { ackWaitMs: 3_000 });
    let restarted: Promise<void> | null = null;
    const N = 3_000;
    const outs = await load(
      client!,
      N,
      300,
      (i) => ({ i }),
      (done) => {
        if (done === 1_000)
          restarted = server
            .stop()
            .then(() => sleep(1_000))
            .then(() => server.start());
      },
    );
    await restarted;
    expect(outs.map((x) => (x.result as { i: number }).i)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(client!.stats.duplicateResults).toBe(0);
    expect(client!.stats.settled).toBe(N);
    // both hosts came back: 200 slow messages need more than one host's 64 slots
    const after = await Promise.all(Array.from({ length: 200 }, (_, i) => client!.execute({ after: i, sleep_ms: 100 })));
    expect(new Set(after.map((x) => x.hostId))).toEqual(new Set(['restart-h1', 'restart-h2']));
    // and their heartbeats reach the registry again
    for (let i = 0; i < 100 && monitor!.list().filter((h) => h.status === 'up').length < 2; i++) await sleep(100);
    expect(monitor!.list().map((h) => [h.hostId, h.status])).toEqual([
      ['restart-h1', 'up'],
      ['restart-h2', 'up'],
    ]);
  });
});
