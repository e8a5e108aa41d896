import { expect, test } from '@playwright/test';
import { waitFor } from '../common/test-support/wait';
import { ARTIFACTS, call, openApp } from './helpers';

test('the page shows the live workers of the real pool', async ({ page }) => {
  const problems = await openApp(page);
  const stats = await call('getDetailedStats', {});
  await expect(page.getByTestId('card-workers-value')).toHaveText(String(stats.total));
  await page.getByTestId('nav-workers').click();
  const rows = page.getByTestId('worker-row');
  await expect(rows).toHaveCount(stats.total);
  for (const w of stats.workers) {
    const row = page.locator(`[data-testid="worker-row"][data-worker-id="${w.id}"]`);
    await expect(row).toHaveAttribute('data-pid', String(w.pid));
    await expect(row).toContainText('ready');
    await expect(row).toContainText('healthy');
  }
  // sorting by pid: largest first, then flipped
  const pids = () => page.getByTestId('worker-row').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-pid'))));
  await page.getByTestId('sort-pid').click();
  await expect.poll(pids).toEqual([...stats.workers.map((w) => w.pid!)].sort((a, b) => b - a));
  await page.getByTestId('sort-pid').click();
  await expect.poll(pids).toEqual([...stats.workers.map((w) => w.pid!)].sort((a, b) => a - b));
  await page.screenshot({ path: `${ARTIFACTS}/workers.png` });
  expect(problems).toEqual([]);
});

test('recycling a worker replaces it in the table with a new id and pid', async ({ page }) => {
  await openApp(page, 'workers');
  const before = await call('getDetailedStats', {});
  const victim = before.workers.find((w) => w.state === 'ready')!;
  const row = page.locator(`[data-testid="worker-row"][data-worker-id="${victim.id}"]`);
  await expect(row).toBeVisible();
  await page.getByTestId(`recycle-${victim.id}`).click();
  await expect(row).toHaveCount(0, { timeout: 45_000 });
  // the replacement is a fresh process: an id and pid the table did not have before
  const after = await waitFor(
    async () => {
      const s = await call('getDetailedStats', {});
      return s.workers.filter((w) => w.state === 'ready').length >= before.total ? s : undefined;
    },
    'as many ready workers as before',
    30_000,
    250,
  );
  const oldIds = new Set(before.workers.map((w) => w.id));
  const oldPids = new Set(before.workers.map((w) => w.pid));
  const fresh = after.workers.find((w) => !oldIds.has(w.id));
  expect(fresh, 'a new worker id').toBeTruthy();
  expect(oldPids.has(fresh!.pid)).toBe(false);
  await expect(page.locator(`[data-testid="worker-row"][data-worker-id="${fresh!.id}"]`)).toHaveAttribute('data-pid', String(fresh!.pid));
  await expect(page.getByTestId('worker-row')).toHaveCount(after.total);
});

test('recycle all replaces every worker, rolling, with progress', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, 'workers');
  const before = await call('getDetailedStats', {});
  await page.getByTestId('recycle-all').click();
  await expect(page.getByTestId('recycle-all-progress')).toContainText(`/ ${before.total} recycled`);
  await expect(page.getByTestId('recycle-all-result')).toContainText(`Recycled ${before.total} worker`, { timeout: 90_000 });
  // the table follows the stats stream: the replaced workers leave it once they have drained
  const ids = () => page.getByTestId('worker-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-worker-id')));
  for (const w of before.workers) await expect.poll(ids, { timeout: 30_000 }).not.toContain(w.id);
  expect((await ids()).length).toBeGreaterThanOrEqual(before.workers.length);
});

test('restart pool asks first, then replaces every worker', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, 'workers');
  const before = await call('getDetailedStats', {});
  await page.getByTestId('restart-pool').click();
  await page.getByTestId('restart-pool-confirm').click();
  const ids = () => page.getByTestId('worker-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-worker-id')));
  for (const w of before.workers) await expect.poll(ids, { timeout: 60_000 }).not.toContain(w.id);
  await expect(page.getByTestId('pool-status')).toHaveAttribute('data-phase', 'running', { timeout: 60_000 });
});
