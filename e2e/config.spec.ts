import { expect, test } from '@playwright/test';
import { waitFor } from '../common/test-support/wait';
import { ARTIFACTS, call, openApp } from './helpers';

test('changing strategy and pool size applies and shows', async ({ page }) => {
  await openApp(page, 'config');
  const before = await call('getConfig', {});
  const strategy = before.pool.loadBalancingStrategy === 'least-busy' ? 'p2c-ewma' : 'least-busy';
  const min = before.pool.minWorkers === 3 ? 2 : 3;
  await page.getByTestId('field-pool.loadBalancingStrategy').selectOption(strategy);
  await page.getByTestId('field-pool.minWorkers').fill(String(min));
  await page.getByTestId('field-pool.maxWorkers').fill('6');

  await page.getByTestId('config-pool-preview').click();
  const diff = page.getByTestId('config-diff');
  await expect(diff.locator('[data-path="pool.loadBalancingStrategy"]')).toContainText(strategy);
  await expect(diff.locator('[data-path="pool.minWorkers"]')).toContainText(String(min));
  await expect(diff.locator('[data-path="pool.maxWorkers"]')).toContainText('6');
  await page.screenshot({ path: `${ARTIFACTS}/config-preview.png`, fullPage: true });

  await page.getByTestId('config-pool-apply').click();
  await expect(page.getByTestId('config-pool-status')).toContainText('Applied');
  const after = await call('getConfig', {});
  expect(after.pool).toMatchObject({ loadBalancingStrategy: strategy, minWorkers: min, maxWorkers: 6 });

  // shows: the header, the overview card and the worker table follow the host
  await expect(page.getByTestId('pool-status')).toHaveAttribute('data-phase', 'running');
  await expect(page.locator('.topbar')).toContainText(`strategy ${strategy}`);
  await page.getByTestId('nav-workers').click();
  await waitFor(async () => (await call('getStats', {})).healthy >= min, `${min} healthy workers`, 45_000, 250);
  // at least the new minimum (extra workers started under earlier load may still be idling out)
  await expect.poll(() => page.getByTestId('worker-row').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(min);
  await expect(page.getByTestId('scale-min')).toHaveValue(String(min));
  await expect(page.getByTestId('scale-max')).toHaveValue('6');

  // and back through the Workers view's scale form
  await page.getByTestId('scale-min').fill('2');
  await page.getByTestId('scale-max').fill('10');
  await page.getByTestId('scale-apply').click();
  await waitFor(
    async () => {
      const c = await call('getConfig', {});
      return c.pool.minWorkers === 2 && c.pool.maxWorkers === 10;
    },
    'pool bounds 2..10',
    30_000,
    250,
  );
});

test('an invalid value shows its field error and changes nothing', async ({ page }) => {
  await openApp(page, 'config');
  const before = await call('getConfig', {});
  await page.getByTestId('field-pool.maxWorkers').fill('500');
  await expect(page.getByTestId('error-pool.maxWorkers')).toBeVisible();
  await expect(page.getByTestId('error-pool.maxWorkers')).toContainText('64');
  await expect(page.getByTestId('field-pool.maxWorkers')).toHaveAttribute('aria-invalid', 'true');
  // a valid change alongside must not slip through either
  await page.getByTestId('field-pool.timeout').fill('12345');
  await expect(page.getByTestId('config-pool-apply')).toBeDisabled();
  await expect(page.getByTestId('config-pool-status')).toContainText('nothing will be applied');
  await page.getByTestId('field-pool.maxWorkers').press('Enter'); // submitting the form is refused too
  await page.getByTestId('field-pool.minWorkers').fill('abc');
  await expect(page.getByTestId('error-pool.minWorkers')).toHaveText('Must be a number');
  await page.screenshot({ path: `${ARTIFACTS}/config-invalid.png` });
  await page.waitForTimeout(500);
  expect(await call('getConfig', {})).toEqual(before);

  await page.getByTestId('config-pool-reset').click();
  await expect(page.getByTestId('error-pool.maxWorkers')).toHaveCount(0);
  await expect(page.getByTestId('field-pool.maxWorkers')).toHaveValue(String(before.pool.maxWorkers));
});

test('applying thresholds sends only thresholds and keeps unsaved pool edits', async ({ page }) => {
  await openApp(page, 'config');
  const before = await call('getConfig', {});
  await page.getByTestId('field-pool.timeout').fill('7777');
  await page.getByTestId('nav-alerts').click();
  const next = before.alerts.errorRatePct === 25 ? 30 : 25;
  await page.getByTestId('field-alerts.errorRatePct').fill(String(next));
  await page.getByTestId('thresholds-apply').click();
  await expect(page.getByTestId('thresholds-status')).toContainText('Applied');
  const after = await call('getConfig', {});
  expect(after.alerts.errorRatePct).toBe(next);
  expect(after.pool).toEqual(before.pool);
  await page.getByTestId('nav-config').click();
  await expect(page.getByTestId('field-pool.timeout')).toHaveValue('7777');
  await page.getByTestId('config-pool-reset').click();
  await call('updateConfig', { patch: { alerts: { errorRatePct: before.alerts.errorRatePct } } });
});
