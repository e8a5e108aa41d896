// Nothing read from the broker is trusted: a control message cannot choose the code a host runs,
// and junk in the hosts bucket, under a caller's results prefix or on a control subject is
// dropped and counted — no process dies. Real nats-server, a real host agent child process
// with real Python workers; the control center's monitor and a caller run in this process
// (an unhandled rejection here fails the run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from './client';
import { HostProcess, NatsServer, natsServerBinary, writeClusterConfig } from './local-cluster';
import { ClusterMonitor } from './monitor';
import { resolveClusterOptions, type ClusterOptions } from './options';
import { ensureStreams, names } from './topology';
import { jetstreamManager } from '@nats-io/jetstream';
import { waitFor } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

describe.skipIf(!bin)('what hosts and the control center take from the broker', { timeout: 120_000 }, () => {
  let server: NatsServer;
  let dir: string;
  let cfg: string;
  let o: ClusterOptions;
  const hosts: HostProcess[] = [];
  let client: ClusterClient;
  let monitor: ClusterMonitor;

  beforeAll(async () => {
    server = await NatsServer.start(bin!);
    dir = mkdtempSync(join(tmpdir(), 'gcc-trust-'));
    const cluster = { pool: 'trust', ackWaitMs: 2_000, heartbeatMs: 250, staleAfterMs: 1_000, downAfterMs: 2_000, timeoutMs: 30_000 };
    o = resolveClusterOptions({ ...cluster, servers: [server.url] }, {});
    cfg = writeClusterConfig(dir, cluster, { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 });
    hosts.push(await HostProcess.start(server.url, 't1', cfg, ['--slots', '8']));
    client = new ClusterClient(o);
    await client.start();
    monitor = new ClusterMonitor(client.connection, o);
    await monitor.start();
  }, 120_000);

  afterAll(async () => {
    monitor?.stop();
    await client?.close();
    for (const h of hosts) await h.killGroup();
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['pythonPath', '/bin/sh'],
    ['pythonPaths', ['/tmp']],
    ['agent', 'os:system'],
    ['env', { PYTHONSTARTUP: '/tmp/evil.py' }],
  ])('a config over control with %s is refused, naming the field, and nothing of the patch is applied', async (field, value) => {
    const [reply] = await monitor.control('t1', { op: 'config', patch: { timeout: 4_321, [field]: value } });
    expect(reply).toMatchObject({ hostId: 't1', ok: false, error: { code: 'ERR_INVALID_OPTION' } });
    expect(reply!.error!.message).toContain(`patch.${field}`);
    expect(reply!.error!.message).toMatch(/host's own config file or command line/);
    const [after] = await monitor.control('t1', { op: 'config', patch: { timeout: 30_000 } });
    expect(after).toMatchObject({ ok: true, result: { applied: [] } }); // 30 000 was still in force: 4 321 never applied
  });

  it('live options and operational commands still work over control', async () => {
    const [reply] = await monitor.control('t1', { op: 'config', patch: { loadBalancingStrategy: 'least-busy', timeout: 25_000 } });
    expect(reply).toMatchObject({ ok: true, result: { applied: ['loadBalancingStrategy', 'timeout'] } });
    const [scaled] = await monitor.control('t1', { op: 'scale', minWorkers: 1, maxWorkers: 2 });
    expect(scaled).toMatchObject({ ok: true });
  });

  it('junk in the hosts bucket, under a results prefix and on a control subject is dropped and counted; every process lives on', async () => {
    const nc = client.connection;
    const { hosts: hostsKv, results } = await ensureStreams(nc, await jetstreamManager(nc), o);
    const n = names(o.pool);
    await hostsKv.put('junk-1', 'not json {');
    await hostsKv.put('junk-2', JSON.stringify({ hostId: 'junk-2', capacity: 'lots' }));
    await hostsKv.put('junk-3', JSON.stringify({ ...monitor.list()[0], hostId: 't1' })); // a record under someone else's key
    await results.put(`${client.clientId}.forged-1`, 'not json');
    await results.put(`${client.clientId}.forged-2`, JSON.stringify({ ok: 'yes' }));
    const raw = await nc.request(n.controlSubject('t1'), 'not json', { timeout: 10_000 });
    expect(raw.json()).toMatchObject({ hostId: 't1', ok: false, error: { code: 'ERR_PROTOCOL' } });
    const bad = await nc.request(n.controlSubject('t1'), JSON.stringify({ op: 'shell', cmd: 'id' }), { timeout: 10_000 });
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_OPTION', message: expect.stringContaining('op') } });

    await waitFor(() => monitor.junk.counts.hosts >= 3 && client.junk.counts.results >= 2, 'the junk counted', 10_000);
    expect(monitor.list().map((h) => h.hostId)).toEqual(['t1']);
    // A host joining while junk sits in the hosts bucket starts (it reads the others' capacity).
    hosts.push(await HostProcess.start(server.url, 't2', cfg, ['--slots', '8']));
    expect(hosts.every((h) => h.child?.exitCode === null)).toBe(true);
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => client.execute({ i })));
    expect(outs.map((x) => (x.result as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await waitFor(() => monitor.list().filter((h) => h.status === 'up').length === 2, 'two hosts up', 10_000);
  });
});
