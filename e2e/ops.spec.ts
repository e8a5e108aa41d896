// What an operator sees when things go wrong, in Chromium against real servers with real
// Python workers: a blocked hub (suspect in the Workers view, the task saying what it waits
// on), a server restarted with another token (the tab says so at once), and the load form
// keeping its fields across views.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from './server';
import { openApp } from './helpers';

const running: RunningServer[] = [];
const dirs: string[] = [];
test.afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcc-e2e-ops-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  return dir;
}

test('a CPU-bound task shows its worker as suspect with a live age, and the task says what it waits on', async ({ page }) => {
  // default health settings; restartOnFailure off so the verdict stays on screen while it spins
  const dataDir = dataDirWith({ pool: { agent: 'cpu_agent:CpuAgent', minWorkers: 1, maxWorkers: 1, restartOnFailure: false, timeout: 120_000 } });
  const s = await startServer({ dataDir });
  running.push(s);
  await page.goto(`${s.url}/#token=${encodeURIComponent(s.token)}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await page.getByTestId('nav-console').click();
  await page.getByTestId('task-data').fill('{"spin_ms": 15000}');
  await page.getByTestId('task-send').click();
  // not "Sending…" with no hint: the worker, how long it has been silent, the attempt
  await expect(page.getByTestId('task-wait')).toContainText(/Running on worker w-1 .*attempt 1 of 4\): worker w-1 has not answered pings for \d+s/);
  await page.getByTestId('nav-workers').click();
  const health = page.getByTestId('worker-health').first();
  await expect(health).toContainText(/(suspect|unhealthy) · no answer for \d+s/);
  const first = await health.textContent();
  await expect(health).not.toHaveText(first!); // the age moves while it stays silent
});

test('a tab whose token the restarted server refuses says so at once, with how to get in', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gcc-e2e-ops-'));
  dirs.push(dataDir);
  const first = await startServer({ dataDir, staticDir: undefined });
  running.push(first);
  await page.goto(`${first.url}/#token=${encodeURIComponent(first.token)}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  const port = Number(new URL(first.url).port);
  await first.stop();
  running.splice(running.indexOf(first), 1);
  const second = await startServer({ dataDir, port }); // another token (GREENLET_CC_TOKEN differs)
  running.push(second);
  const banner = page.getByTestId('banner-unauthorized');
  // before: "Connection lost — reconnecting automatically" for as long as the tab stayed open
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('refuses this tab’s access token');
  await expect(banner).toContainText('#token=');
  await expect(page.getByTestId('banner-connection-lost')).toHaveCount(0);
  // the address the server printed gets the tab back in
  await page.goto(`${second.url}/#token=${encodeURIComponent(second.token)}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await expect(banner).toHaveCount(0);
});

test('the load form keeps its fields across views and marks the fields only the demo agent reads', async ({ page }) => {
  await openApp(page, 'console');
  await page.getByTestId('load-rate').fill('7');
  await page.getByTestId('load-failureRate').fill('0.25');
  await expect(page.getByTestId('load-failureRate-help')).toContainText('Demo agent only');
  await expect(page.getByTestId('load-sleepMs-help')).toContainText('Demo agent only');
  await page.getByTestId('nav-workers').click();
  await page.getByTestId('nav-console').click();
  await expect(page.getByTestId('load-rate')).toHaveValue('7');
  await expect(page.getByTestId('load-failureRate')).toHaveValue('0.25');
});

test('durations read in human units in the form and the preview', async ({ page }) => {
  await openApp(page, 'config');
  const field = page.getByTestId('field-pool.workerRecycleInterval');
  const before = await field.inputValue();
  await field.fill('5400000');
  await expect(page.getByTestId('human-pool.workerRecycleInterval')).toHaveText('= 1 h 30 min');
  await page.getByTestId('config-pool-preview').click();
  const row = page.getByTestId('config-diff').locator('[data-path="pool.workerRecycleInterval"]');
  await expect(row).toContainText('1 h 30 min');
  await expect(row).not.toContainText('5400000');
  await field.fill(before);
  await page.getByTestId('config-pool-reset').click();
});

test('an agent exception shows its Python traceback in the Tasks view, one line per line', async ({ page }) => {
  await openApp(page, 'console');
  await page.getByTestId('task-data').fill('{"fail": true}');
  await page.getByTestId('task-send').click();
  const error = page.getByTestId('task-error');
  await expect(error).toContainText('ERR_AGENT: RuntimeError');
  const lines = (await error.innerText()).split('\n');
  expect(lines).toContain('Traceback (most recent call last):');
  expect(lines.some((l) => /^\s+File ".*echo_agent\.py", line \d+, in process$/.test(l))).toBe(true);
});
