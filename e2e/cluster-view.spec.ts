// Cluster mode shows the cluster (docs/cluster.md): three host agents on a real
// nats-server, a control center with --cluster, a load through it, one host
// killed with -9 and started again under its id. Overview and Charts show the
// cluster's throughput, and the processed count summed over hosts equals the
// answers the load generator got.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { LoadStatus } from '../common/contract';
import { HostProcess, NatsServer, natsServerBinary, writeClusterConfig } from '../main/cluster/local-cluster';
import { ARTIFACTS } from './helpers';
import { repoRoot, startServer, type RunningServer } from './server';

const TIMING = { pool: 'e2eview', heartbeatMs: 300, staleAfterMs: 1_000, downAfterMs: 2_000, ackWaitMs: 5_000 };
const POOL = { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 };
const SERVE = [join(repoRoot, 'out', 'main', 'serve.js')];
const IDS = ['host-a', 'host-b', 'host-c'];

async function api<T>(s: RunningServer, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${s.url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs a load of `count` messages to its end; returns how many answers the callers got. */
async function load(s: RunningServer, count: number): Promise<number> {
  await api(s, 'startLoad', { rate: 80, count, sleepMs: 0, failureRate: 0, payloadBytes: 0 });
  await expect.poll(async () => (await api<LoadStatus>(s, 'getLoadStatus')).running, { timeout: 30_000 }).toBe(false);
  const st = await api<LoadStatus>(s, 'getLoadStatus');
  expect(st).toMatchObject({ sent: count, failed: 0, rejected: 0 });
  return st.succeeded;
}

const numberIn = async (page: Page, testId: string) => parseFloat((await page.getByTestId(testId).textContent()) ?? '');
const processedSum = async (page: Page) => {
  const counts = await page.getByTestId('host-processed').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  return counts.reduce((a, b) => a + b, 0);
};

test('cluster mode: Overview and Charts show the cluster, and a host killed and restarted keeps its count', async ({ page }) => {
  const bin = natsServerBinary();
  test.skip(!bin, 'no nats-server and no Go to install one (scripts/ensure-nats.mjs)');
  const nats = await NatsServer.start(bin!);
  const dir = mkdtempSync(join(tmpdir(), 'gcc-e2e-clusterview-'));
  const cfg = writeClusterConfig(dir, TIMING, POOL);
  const hosts: HostProcess[] = [];
  let server: RunningServer | null = null;
  try {
    hosts.push(...(await Promise.all(IDS.map((id) => HostProcess.start(nats.url, id, cfg, [], SERVE)))));
    server = await startServer({ args: ['--cluster', nats.url, '--cluster-config', cfg] });
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.token)}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
    // the header speaks for the cluster's three workers, not the local pool's
    await expect(page.getByTestId('pool-status')).toHaveText('3/3 workers healthy on 3 hosts');
    await expect(page.getByTestId('local-pool-note')).toContainText('takes none of the cluster');

    await api(server, 'startLoad', { rate: 80, count: 0, sleepMs: 0, failureRate: 0, payloadBytes: 0 });
    await expect.poll(() => numberIn(page, 'card-throughput-value')).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/cluster-overview.png` });
    await page.getByTestId('nav-charts').click();
    await expect(page.getByTestId('charts-scope')).toContainText('3 hosts up');
    await expect.poll(async () => Number(await page.getByTestId('chart-throughput').getAttribute('data-max'))).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/cluster-charts.png` });
    await api(server, 'stopLoad');
    // stopped at once, but messages already sent still settle: count them all before the next run
    const settled = (st: LoadStatus) => st.succeeded + st.failed + st.rejected === st.sent;
    await expect.poll(async () => settled(await api<LoadStatus>(server!, 'getLoadStatus'))).toBe(true);
    const first = await api<LoadStatus>(server, 'getLoadStatus');
    expect(first).toMatchObject({ failed: 0, rejected: 0 });
    let answered = first.succeeded;
    answered += await load(server, 80);

    // Killed and started again under its id: a new process, counting from 0.
    await page.getByTestId('nav-hosts').click();
    await expect.poll(() => processedSum(page)).toBe(answered); // every host's last heartbeat is in
    await hosts[1]!.killGroup();
    const b = page.locator('[data-host-id="host-b"]');
    await expect(b).toHaveAttribute('data-status', 'down');
    hosts[1] = await HostProcess.start(nats.url, 'host-b', cfg, [], SERVE);
    await expect(b).toHaveAttribute('data-status', 'up');
    answered += await load(server, 80);

    await expect.poll(() => processedSum(page)).toBe(answered);
    await expect(b.getByTestId('host-processed')).toContainText('2 runs');
    // killed, so the count is marked a lower bound (it cannot know what came after the last beat; here nothing did)
    await expect(b.getByTestId('host-processed')).toHaveAttribute('data-lower-bound', 'true');
    await page.screenshot({ path: `${ARTIFACTS}/cluster-hosts-restarted.png` });
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('card-processed')).toHaveAttribute('data-count', String(answered));
    await expect(page.getByTestId('card-outcomes-counts')).toHaveAttribute('data-answered', String(answered));
  } finally {
    await server?.stop();
    for (const h of hosts) await h.killGroup();
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
