// Scale-out in the browser: a real nats-server, three host agents started the way an
// operator starts them (`serve.js --join … --host-id …`, own process groups) and a
// control center with --cluster. One host is killed with -9 and started again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { HostProcess, NatsServer, natsServerBinary, writeClusterConfig } from '../main/cluster/local-cluster';
import { ARTIFACTS } from './helpers';
import { repoRoot, startServer, type RunningServer } from './server';

const TIMING = { pool: 'e2e', heartbeatMs: 500, staleAfterMs: 1_500, downAfterMs: 3_000, ackWaitMs: 5_000 };
const POOL = { agent: 'echo_agent:EchoAgent', minWorkers: 1, maxWorkers: 1 };
const SERVE = [join(repoRoot, 'out', 'main', 'serve.js')];

test('the Hosts view shows three hosts, one going down and coming back', async ({ page }) => {
  const bin = natsServerBinary();
  test.skip(!bin, 'no nats-server and no Go to install one (scripts/ensure-nats.mjs)');
  const nats = await NatsServer.start(bin!);
  const dir = mkdtempSync(join(tmpdir(), 'gcc-e2e-cluster-'));
  const cfg = writeClusterConfig(dir, TIMING, POOL);
  const hosts: HostProcess[] = [];
  let server: RunningServer | null = null;
  try {
    for (const id of ['host-a', 'host-b', 'host-c']) hosts.push(await HostProcess.start(nats.url, id, cfg, [], SERVE));
    server = await startServer({ args: ['--cluster', nats.url, '--cluster-config', cfg] });
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.token)}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
    await page.getByTestId('nav-hosts').click();

    const rows = page.getByTestId('host-row');
    await expect(rows).toHaveCount(3);
    for (const id of ['host-a', 'host-b', 'host-c']) await expect(page.locator(`[data-host-id="${id}"]`)).toHaveAttribute('data-status', 'up');
    await expect(page.getByTestId('hosts-summary')).toContainText('3 up');
    // this test's broker asks no credentials (loopback): the view says what that exposes
    await expect(page.getByTestId('hosts-unauthenticated-broker')).toContainText('asks no credentials');
    // each host opens onto its workers
    await page.getByTestId('host-open-host-a').click();
    await expect(page.getByTestId('host-workers-host-a').getByTestId('host-worker-row')).toHaveCount(1);
    // short messages, once the first answers say so, travel in envelopes: a host shows how many and where their answers went
    const submit = (i: number) =>
      fetch(`${server!.url}/api/submitTask`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { i } }),
      }).then((r) => expect(r.status).toBe(200));
    for (let i = 0; i < 10; i++) await submit(i);
    await Promise.all(Array.from({ length: 150 }, (_, i) => submit(100 + i))); // one request each: gathered once many are outstanding
    await expect(page.getByTestId('host-envelopes').first()).toContainText(/This process: \d+ envelopes .* answers stored in \d+ group records/, {
      timeout: 10_000,
    });
    await page.screenshot({ path: `${ARTIFACTS}/hosts-three-up.png`, fullPage: true });

    await hosts[1]!.killGroup();
    const b = page.locator('[data-host-id="host-b"]');
    await expect(b).toHaveAttribute('data-status', 'down', { timeout: 20_000 });
    await expect(page.getByTestId('hosts-summary')).toContainText('2 up');
    await expect(page.getByTestId('hosts-summary')).toContainText('1 down');
    await expect(b.getByTestId('host-alert')).toContainText('hostDown'); // the critical alert marks its host
    await page.screenshot({ path: `${ARTIFACTS}/hosts-one-down.png`, fullPage: true });

    hosts[1] = await HostProcess.start(nats.url, 'host-b', cfg, [], SERVE);
    await expect(b).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
    await expect(page.getByTestId('hosts-summary')).toContainText('3 up');
    await expect(b.getByTestId('host-alert')).toHaveCount(0); // cleared once it is back
  } finally {
    await server?.stop();
    for (const h of hosts) await h.killGroup();
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
