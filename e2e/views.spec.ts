import { expect, test } from '@playwright/test';
import { ARTIFACTS, call, openApp } from './helpers';

test('sending one task shows its result, worker and latency', async ({ page }) => {
  await openApp(page, 'console');
  await page.getByTestId('task-data').fill('{"message": "hi from e2e", "sleep_ms": 30}');
  await page.getByTestId('task-send').click();
  await expect(page.getByTestId('task-output')).toContainText('hi from e2e');
  const workers = (await call('getDetailedStats', {})).workers.map((w) => w.id);
  expect(workers).toContain(await page.getByTestId('task-worker').innerText());
  await expect(page.getByTestId('task-latency')).toHaveText(/\d+(\.\d+)? (ms|s)/);

  await page.getByTestId('task-data').fill('{"fail": true}');
  await page.getByTestId('task-send').click();
  await expect(page.getByTestId('task-error')).toContainText('ERR_AGENT');
});

test('the event log tails live events and filters by worker and level', async ({ page }) => {
  await openApp(page, 'events');
  const lines = page.getByTestId('event-line');
  await expect(lines.first()).toBeVisible();
  const w = (await call('getDetailedStats', {})).workers[0]!.id;
  await call('recycleWorker', { workerId: w }); // produces recycle + start events while we watch
  await expect(page.locator(`[data-testid="event-line"][data-type="worker.recycled"][data-worker="${w}"]`).first()).toBeVisible();
  await page.getByTestId('events-worker').selectOption(w);
  await expect(lines.first()).toBeVisible();
  expect(new Set(await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-worker'))))).toEqual(new Set([w]));
  // an event with details opens them (config changes carry what was applied)
  const retries = (await call('getConfig', {})).pool.maxRetries;
  await call('updateConfig', { patch: { pool: { maxRetries: retries === 4 ? 5 : 4 } } });
  const changed = page.locator('[data-testid="event-line"][data-type="config.changed"]').first();
  await page.getByTestId('events-worker').selectOption('');
  await changed.click();
  await expect(page.getByTestId('event-data')).toContainText('pool.maxRetries');
  await call('updateConfig', { patch: { pool: { maxRetries: retries } } });
  await page.getByTestId('events-level').selectOption('warn');
  const levels = await lines.evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
  expect(levels.every((l) => l === 'warn' || l === 'error')).toBe(true);
});

test('checking an agent class shows the real Python import error', async ({ page }) => {
  await openApp(page, 'python');
  await page.getByTestId('agent-path').fill('surely_missing_pkg.mod:Agent');
  await page.getByTestId('agent-validate').click();
  await expect(page.getByTestId('agent-result')).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('agent-result')).toContainText('surely_missing_pkg');
  await page.getByTestId('agent-path').fill('');
  await page.getByTestId('agent-validate').click();
  await expect(page.getByTestId('agent-result')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
});

test('the chart range changes from the keyboard and loads that range from the host', async ({ page }) => {
  await openApp(page, 'charts');
  const requests: number[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/getMetricsHistory')) requests.push((r.postDataJSON() as { rangeMs: number }).rangeMs);
  });
  await page.getByTestId('range-5min').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('range-15min')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('range-15min')).toBeFocused();
  await expect.poll(() => requests).toContain(15 * 60_000);
  await expect(page.getByTestId('charts-info')).toContainText('points drawn');
});

test('views are keyboard-navigable and every main view is captured (light and dark)', async ({ page }) => {
  test.setTimeout(150_000);
  await call('startLoad', { rate: 30, count: 0, sleepMs: 25, failureRate: 0.05, payloadBytes: 0 });
  try {
    const problems = await openApp(page);
    await page.getByTestId('nav-overview').focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('nav-workers')).toBeFocused();
    await expect(page.getByTestId('view-workers')).toBeVisible();
    await page.keyboard.press('End');
    await expect(page.getByTestId('view-python')).toBeVisible();

    await page.waitForTimeout(6_000); // a few live samples under load for the charts
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of ['overview', 'workers', 'charts', 'config', 'alerts', 'events', 'console', 'export', 'python']) {
        await page.getByTestId(`nav-${view}`).click();
        await expect(page.getByTestId(`view-${view}`)).toBeVisible();
        if (view === 'charts') {
          await expect(page.getByTestId('chart-throughput').locator('path.recharts-line-curve')).toBeVisible();
          await expect(page.getByTestId('chart-errorRate').getByTestId('threshold-errorRate')).toBeVisible();
          await expect(page.getByTestId('chart-queue').locator('.recharts-reference-line')).toHaveCount(1);
        }
        if (view === 'python') {
          await page.getByTestId('python-check').click();
          await expect(page.getByTestId('python-report')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
        }
        await page.screenshot({ path: `${ARTIFACTS}/${view}${scheme === 'dark' ? '-dark' : ''}.png` });
      }
    }
    expect(problems).toEqual([]);
  } finally {
    await call('stopLoad', {});
  }
});
