// Cluster mode shows the cluster (docs/cluster.md): the control center's samples,
// export and /metrics count what the hosts answered, taken from the hosts'
// counters per host id across processes, so a host killed with SIGKILL and
// started again under its id keeps what it did. Real nats-server, real host
// agent processes, real Python workers.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSample } from '../../common/contract';
import { HostProcess, natsServerBinary } from '../cluster/local-cluster';
import { findPromtool } from '../../scripts/promtool.mjs';
import { createPoolMetrics } from '../headless/metrics';
import type { ControlPlane } from './index';
import { ClusterRig } from './test-support/cluster-rig';
import { sleep, waitFor } from '../../common/test-support/wait';

const bin = natsServerBinary();
if (!bin) console.warn('[cluster figures tests] skipped: no nats-server and no Go to install one (scripts/ensure-nats.mjs)');

const CLUSTER = { pool: 'figures', heartbeatMs: 200, staleAfterMs: 800, downAfterMs: 1_500, ackWaitMs: 3_000 };

describe.skipIf(!bin)('control plane figures in cluster mode', { timeout: 180_000 }, () => {
  const rig = new ClusterRig();
  const { hosts } = rig; // a test restarts a host in its place
  let plane: ControlPlane;
  const samples: MetricsSample[] = [];
  let answers = 0; // what callers got

  async function send(n: number): Promise<void> {
    for (let i = 0; i < n; i += 20) {
      const batch = Array.from({ length: Math.min(20, n - i) }, (_, k) => plane.handlers.submitTask({ data: { i: i + k } }));
      answers += (await Promise.all(batch)).length;
    }
  }

  const totals = async () => (await plane.handlers.getHosts({})).totals;
  /** Polls fn until it gives `want` (heartbeats and samples come every 200 ms), then asserts it: a miss shows the value. */
  async function settles(fn: () => number | Promise<number>, want: number, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    let v = await fn();
    while (v !== want && Date.now() < end) {
      await sleep(100);
      v = await fn();
    }
    expect(v).toBe(want);
  }
  const upHosts = async (n: number) =>
    waitFor(async () => (await plane.handlers.getHosts({})).hosts.filter((h) => h.status === 'up').length === n, `${n} hosts up`, 60_000);

  beforeAll(async () => {
    // The local pool has 1 worker, the cluster 2 (one per host): the figures tell them apart.
    plane = await rig.start(bin!, CLUSTER, { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 }, ['f1', 'f2'], 8);
    plane.on('metrics.sample', (s) => samples.push(s));
    await upHosts(2);
  }, 120_000);

  afterAll(() => rig.stop());

  it("samples, the export and /metrics show the cluster's throughput and answered count", async () => {
    await send(120);
    // every answer appears in exactly one sample's interval, and as throughput there
    await settles(() => samples.reduce((n, s) => n + (s.messages ?? 0), 0), 120);
    expect(Math.max(...samples.map((s) => s.throughput))).toBeGreaterThan(0);
    const last = samples[samples.length - 1]!;
    expect([last.total, last.healthy]).toEqual([2, 2]); // workers across the hosts, not the local pool's one
    expect(last.hosts?.map((h) => h.id)).toEqual(['f1', 'f2']);

    const hist = await plane.handlers.getMetricsHistory({ rangeMs: 120_000 });
    expect(Math.max(...hist.samples.map((s) => s.throughput))).toBeGreaterThan(0);
    const snap = JSON.parse((await plane.handlers.exportSnapshot({ format: 'json' })).content) as {
      hosts: { totals: { processed: number; outcomes: { answered: number } } };
    };
    expect(snap.hosts.totals).toMatchObject({ processed: 120, outcomes: { answered: 120 } });
    const csv = (await plane.handlers.exportSnapshot({ format: 'csv' })).content;
    const col = csv.split('\n')[0]!.split(',').indexOf('throughput');
    expect(
      Math.max(
        ...csv
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => Number(l.split(',')[col])),
      ),
    ).toBeGreaterThan(0);

    const prom = await createPoolMetrics(plane).render();
    const answered = [...prom.matchAll(/^greenlet_cluster_messages_total\{host="f[12]",outcome="answered"\} (\d+)$/gm)].map((m) => Number(m[1]));
    expect(answered).toHaveLength(2);
    expect(answered[0]! + answered[1]!).toBe(120);
    const timed = [...prom.matchAll(/^greenlet_cluster_message_latency_seconds_count\{host="f[12]"\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    expect(timed).toBe(120); // every answer's time, in the hosts' histograms
    expect(Math.max(...samples.map((s) => s.outcomes?.answered ?? 0))).toBeGreaterThan(0);
    // and every sample that counted answers has their times (a burst answered within a host's first interval had none)
    expect(samples.filter((s) => (s.outcomes?.answered ?? 0) > 0 && s.avgLatencyMs === null)).toEqual([]);
    expect(samples.some((s) => s.avgLatencyMs !== null && s.avgLatencyMs > 0)).toBe(true);
    const promtool = findPromtool();
    if (promtool) expect(execFileSync(promtool, ['check', 'metrics'], { input: prom, encoding: 'utf8' }).trim()).toBe('');
    else console.log('[cluster figures] promtool check skipped: promtool not found (npm test unpacks it where apt exists; or set PROMTOOL_PATH)');
  });

  it('a host killed with SIGKILL and restarted under its id keeps what it did: the summed count equals the answers callers got', async () => {
    const before = (await plane.handlers.getHosts({})).hosts.find((h) => h.hostId === 'f1')!;
    expect(before.processed).toBeGreaterThan(0); // it took part (fetches are spread; 120 messages reach both)
    await hosts[0]!.killGroup();
    hosts[0] = await HostProcess.start(rig.server.url, 'f1', rig.cfg, ['--slots', '8']);
    await waitFor(
      async () => (await plane.handlers.getHosts({})).hosts.find((h) => h.hostId === 'f1' && h.pid !== before.pid && h.status === 'up'),
      'f1 back as a new process',
      30_000,
    );
    await send(60);
    expect(answers).toBe(180);
    // the Hosts view's Processed column (before: each host's current process only)
    await settles(async () => (await plane.handlers.getHosts({})).hosts.reduce((n, h) => n + (h.totals?.processed ?? h.processed), 0), answers);
    expect(await totals()).toMatchObject({ processed: answers, outcomes: { answered: answers, agentError: 0, timedOut: 0 } });
    const view = await plane.handlers.getHosts({});
    expect(view.hosts.find((h) => h.hostId === 'f1')!.totals).toMatchObject({ processes: 2, uncleanEnds: 1 }); // said to be a lower bound
    const prom = await createPoolMetrics(plane).render();
    const sum = [...prom.matchAll(/^greenlet_cluster_messages_total\{host="f[12]",outcome="answered"\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    expect(sum).toBe(answers);
  });

  it('a host stopped with SIGTERM in the middle of a load counts every answer it stored, drain included', async () => {
    const f2 = hosts[1]!;
    const load = send(200);
    await waitFor(() => answers >= 220, 'the load under way', 30_000);
    const gone = new Promise((r) => f2.child!.once('exit', r));
    f2.child!.kill('SIGTERM'); // the host process only: it drains, puts its final counts and leaves
    await gone;
    hosts[1] = await HostProcess.start(rig.server.url, 'f2', rig.cfg, ['--slots', '8']);
    await load;
    expect(answers).toBe(380);
    await settles(async () => (await totals())?.processed ?? 0, answers);
    const back = await waitFor(
      async () => (await plane.handlers.getHosts({})).hosts.find((h) => h.hostId === 'f2' && h.pid === hosts[1]!.pid),
      'the new f2 heard',
      20_000,
    );
    expect(back.totals).toMatchObject({ processes: 2, uncleanEnds: 0 }); // its final record came: not a lower bound
  });
});
