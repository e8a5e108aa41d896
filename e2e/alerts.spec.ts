import { expect, test } from '@playwright/test';
import { ARTIFACTS, call, openApp } from './helpers';

test('a threshold set low raises an alert that shows, and clears when raised again', async ({ page }) => {
  await openApp(page, 'alerts');
  const original = (await call('getConfig', {})).alerts.avgResponseTimeMs;
  // steady traffic with a known latency (~40 ms per task) from the real workers
  await call('startLoad', { rate: 20, count: 0, sleepMs: 40, failureRate: 0, payloadBytes: 0 });
  try {
    await expect(page.getByTestId('load-chip')).toContainText('20 msg/s'); // the header says synthetic load is on
    const field = page.getByTestId('field-alerts.avgResponseTimeMs');
    await field.fill('1');
    await page.getByTestId('thresholds-apply').click();
    await expect(page.getByTestId('thresholds-status')).toContainText('Applied');
    expect((await call('getConfig', {})).alerts.avgResponseTimeMs).toBe(1);

    const active = page.getByTestId('alerts-active').locator('[data-kind="avgResponseTime"]');
    await expect(active).toBeVisible({ timeout: 30_000 });
    await expect(active).toHaveAttribute('data-severity', 'critical');
    await expect(page.getByTestId('nav-alerts')).toContainText('1');
    await expect(page).toHaveTitle(/^\(\d+!\) Greenlet Control Center$/); // a background tab still tells
    await page.screenshot({ path: `${ARTIFACTS}/alerts-active.png`, fullPage: true });
    // the overview lists it too, colored by severity
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('overview-alerts').locator('.alert.critical[data-kind="avgResponseTime"]')).toBeVisible();
    await page.screenshot({ path: `${ARTIFACTS}/overview-alert.png` });

    await page.getByTestId('nav-alerts').click();
    await field.fill('100000');
    await page.getByTestId('thresholds-apply').click();
    await expect(active).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('alerts-history').locator('[data-kind="avgResponseTime"]').first()).toBeVisible();
  } finally {
    await call('stopLoad', {});
    await call('updateConfig', { patch: { alerts: { avgResponseTimeMs: original } } });
  }
});

test('a per-worker alert marks its worker in the table and hides a chart series on request', async ({ page }) => {
  await openApp(page, 'workers');
  const original = (await call('getConfig', {})).alerts.workerAgeHours;
  try {
    await call('updateConfig', { patch: { alerts: { workerAgeHours: 0.0001 } } }); // every worker is "too old"
    const stats = await call('getDetailedStats', {});
    const row = page.locator(`[data-testid="worker-row"][data-worker-id="${stats.workers[0]!.id}"]`);
    await expect(row.getByTestId('worker-alert')).toContainText('workerAge', { timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}/workers-alert.png` });
  } finally {
    await call('updateConfig', { patch: { alerts: { workerAgeHours: original } } });
  }
  await expect(page.getByTestId('worker-alert')).toHaveCount(0, { timeout: 30_000 });

  await page.getByTestId('nav-charts').click();
  const latency = page.getByTestId('chart-latency');
  await expect(latency.locator('path.recharts-line-curve')).toHaveCount(3);
  await latency.getByRole('button', { name: 'p99' }).click();
  await expect(latency.getByRole('button', { name: 'p99' })).toHaveAttribute('aria-pressed', 'false');
  await expect(latency.locator('path.recharts-line-curve')).toHaveCount(2);
});
