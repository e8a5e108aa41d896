// Cluster mode's restart and poison alerts (docs/cluster.md), raised per host from
// what the hosts report (workers' restart counts in their records, the dead-letter
// router's moves), with the host named; and what a cluster task waits on in the
// Tasks view. Real nats-server, real host agent processes, real Python workers
// that kill themselves on {"crash": true}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/contract';
import { natsServerBinary } from '../cluster/local-cluster';
import type { ControlPlane } from './index';
import { ClusterRig } from './test-support/cluster-rig';
import { waitFor } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster alerts tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

const CLUSTER = { pool: 'alerts', heartbeatMs: 200, staleAfterMs: 800, downAfterMs: 1_500, ackWaitMs: 3_000 };

describe.skipIf(!bin)('cluster alerts', { timeout: 180_000 }, () => {
  const rig = new ClusterRig();
  let plane: ControlPlane;

  beforeAll(async () => {
    plane = await rig.start(bin!, CLUSTER, { agent: 'crash_agent:CrashAgent', minWorkers: 1, maxWorkers: 1 }, ['a1', 'a2'], 4);
    await waitFor(async () => (await plane.handlers.getHosts({})).hosts.filter((h) => h.status === 'up').length === 2, '2 hosts up', 60_000);
  }, 120_000);

  afterAll(() => rig.stop());

  it("raises the restart and poison alerts for the cluster's hosts, the host named", async () => {
    const raised: Alert[] = [];
    const off = plane.on('alert.raised', (a) => raised.push(a));
    try {
      await plane.handlers.updateConfig({ patch: { alerts: { restartsPerMinute: 1, raiseAfterSamples: 1 } } });
      // each delivery kills the worker that runs it: a worker restart on some host, max_deliver times, then dead letters
      const err = await plane.handlers.submitTask({ data: { crash: true } }).catch((e: unknown) => e as { code: string });
      expect(err).toMatchObject({ code: 'ERR_POISON_MESSAGE' });
      const poison = await waitFor(() => raised.find((a) => a.id === 'poisonMessage:cluster'), 'cluster poison alert', 20_000);
      expect(poison).toMatchObject({ kind: 'poisonMessage', severity: 'critical', value: 1 });
      expect(['a1', 'a2']).toContain(poison.hostId); // the host that gave up on it answered the caller
      expect(poison.message).toContain(`host ${poison.hostId}`);
      await waitFor(() => raised.some((a) => a.kind === 'workerRestarts'), 'host restart alert', 20_000);
      const restarts = raised.filter((a) => a.kind === 'workerRestarts');
      for (const a of restarts) {
        expect(['a1', 'a2']).toContain(a.hostId); // a host's, not the local pool's (which took none of it)
        expect(a.id).toBe(`workerRestarts:${a.hostId}`);
        expect(a.message).toContain(`Host ${a.hostId}:`);
      }
    } finally {
      off();
    }
  });

  it('a task sent through the cluster says what it waits on (a host, since when), not nothing', async () => {
    // sleeps 1.5 s on the worker, then kills it: pending long enough to be asked about
    const done = plane.handlers.submitTask({ data: { crash_after_ms: 1_500 }, trackId: 'slow-1' }).catch((e: unknown) => e);
    const p = await waitFor(
      () => plane.handlers.getTaskProgress({ trackId: 'slow-1' }).then((x) => (x?.cluster?.sincePublishedMs !== undefined ? x : null)),
      'cluster task progress',
      10_000,
    );
    expect(p).toMatchObject({ state: 'queued', attempt: 0, maxAttempts: 3, cluster: { publishTries: 1 } });
    expect(p.cluster!.sincePublishedMs!).toBeLessThanOrEqual(p.elapsedMs);
    await done;
    expect(await plane.handlers.getTaskProgress({ trackId: 'slow-1' })).toBeNull(); // settled: forgotten
  });
});
