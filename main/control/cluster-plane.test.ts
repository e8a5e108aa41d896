// The control plane in cluster mode against a real nats-server and real host
// agent processes: hosts listed with their state, tasks routed through
// JetStream, per-host control, export and alerts including hosts.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsServerBinary } from '../cluster/local-cluster';
import { resolveClusterOptions } from '../cluster/options';
import { createPoolMetrics } from '../headless/metrics';
import type { ControlPlane } from './index';
import { ClusterRig } from './test-support/cluster-rig';
import { createPlane, SMALL, tempDir } from './test-support/plane';
import { rejection, waitFor } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster plane tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

describe('control plane with a cluster that is not reachable', () => {
  it('opens anyway; tasks are refused ERR_CLUSTER_UNAVAILABLE, never run locally in silence', async () => {
    const dir = await tempDir();
    const plane = await createPlane(dir, SMALL, { cluster: resolveClusterOptions({ servers: ['nats://127.0.0.1:1'], pool: 'nowhere' }) });
    try {
      expect(await plane.handlers.getHosts({})).toMatchObject({ enabled: true, connected: false, hosts: [] });
      expect(await rejection(plane.handlers.submitTask({ data: 1 }))).toMatchObject({ code: 'ERR_CLUSTER_UNAVAILABLE' });
      expect(await rejection(plane.handlers.getDeadLetters({}))).toMatchObject({ code: 'ERR_CLUSTER_UNAVAILABLE' });
      const log = await waitFor(
        async () => (await plane.handlers.getEvents({ limit: 100 })).find((e) => e.type === 'host.state'),
        'the not-connected log line',
        15_000,
      );
      expect(log.message).toMatch(/not connected yet \(retrying every 2 s\)/);
    } finally {
      await plane.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!bin)('control plane with a cluster', { timeout: 120_000 }, () => {
  const rig = new ClusterRig();
  let plane: ControlPlane;

  beforeAll(async () => {
    const cluster = { pool: 'plane', heartbeatMs: 200, staleAfterMs: 800, downAfterMs: 1_500, ackWaitMs: 3_000 };
    plane = await rig.start(bin!, cluster, { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 }, ['p1', 'p2'], 8, {
      ...SMALL,
      alerts: { raiseAfterSamples: 1 },
    });
  }, 120_000);

  afterAll(() => rig.stop());

  it('lists the hosts as up, with capacity and their workers', async () => {
    const view = await waitFor(
      async () => {
        const v = await plane.handlers.getHosts({});
        return v.hosts.filter((h) => h.status === 'up').length === 2 ? v : null;
      },
      'two hosts up',
      15_000,
    );
    expect(view).toMatchObject({ enabled: true, pool: 'plane', connected: true, unauthenticatedBroker: true }); // the Hosts view warns
    expect(view.hosts.map((h) => [h.hostId, h.capacity, h.workers.length])).toEqual([
      ['p1', 8, 1],
      ['p2', 8, 1],
    ]);
  });

  it('routes submitTask through the cluster: the answer names host and worker', async () => {
    const r = await plane.handlers.submitTask({ data: { hello: 'cluster' } });
    expect(r.result).toEqual({ hello: 'cluster' });
    expect(r.workerId).toMatch(/^p[12]\//);
  });

  it('controls one host and refuses a bad request by field', async () => {
    const [reply] = await plane.handlers.controlHost({ hostId: 'p1', op: 'stats' });
    expect(reply).toMatchObject({ hostId: 'p1', ok: true, result: { total: 1 } });
    expect(await rejection(plane.handlers.controlHost({ hostId: 'p1', op: 'scale' } as never))).toMatchObject({ code: 'ERR_VALIDATION' });
    const [cfg] = await plane.handlers.controlHost({ hostId: 'p2', op: 'config', patch: { timeout: 12_345 } });
    expect(cfg).toMatchObject({ hostId: 'p2', ok: true, result: { applied: ['timeout'] } });
    const [bad] = await plane.handlers.controlHost({ hostId: 'p2', op: 'config', patch: { timeout: -1 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_OPTION', message: expect.stringContaining('timeout') } });
    // What decides the code a host runs is refused at the API door too, naming the field; nothing reaches the host.
    for (const patch of [{ pythonPath: '/bin/sh' }, { pythonPaths: ['/tmp'] }, { agent: 'os:system' }, { env: { LD_PRELOAD: '/tmp/x.so' } }]) {
      const field = Object.keys(patch)[0]!;
      expect(await rejection(plane.handlers.controlHost({ hostId: 'p2', op: 'config', patch }))).toMatchObject({
        code: 'ERR_VALIDATION',
        message: expect.stringMatching(new RegExp(`patch\\.${field}: decides which code the host runs`)),
      });
    }
    expect(await plane.handlers.getDeadLetters({})).toEqual([]);
  });

  it('a killed host raises a hostDown alert, is logged, and the export carries the hosts', async () => {
    await rig.hosts[1]!.killGroup();
    const alert = await waitFor(async () => (await plane.handlers.getAlerts({})).active.find((a) => a.kind === 'hostDown'), 'hostDown alert', 20_000);
    expect(alert).toMatchObject({ id: 'hostDown:p2', hostId: 'p2', severity: 'critical' });
    const log = await plane.handlers.getEvents({ limit: 500 });
    expect(log.some((e) => e.type === 'host.state' && /p2: stale → down/.test(e.message))).toBe(true);
    const snap = JSON.parse((await plane.handlers.exportSnapshot({ format: 'json' })).content) as {
      hosts: { hosts: Array<{ hostId: string; status: string }> };
    };
    expect(snap.hosts.hosts.map((h) => [h.hostId, h.status])).toEqual([
      ['p1', 'up'],
      ['p2', 'down'],
    ]);
    const prom = await createPoolMetrics(plane).render();
    expect(prom).toMatch(/greenlet_cluster_host_up\{host="p2",status="down"\} 0/);
    expect(prom).toMatch(/greenlet_cluster_host_up\{host="p1",status="up"\} 1/);
    const hist = await plane.handlers.getMetricsHistory({ rangeMs: 60_000 });
    expect(hist.samples.some((s) => s.hosts?.some((h) => h.id === 'p2' && h.status === 'down'))).toBe(true);
  });
});
