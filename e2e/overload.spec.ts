// The overload row of issue 15 in the browser: the real load generator offers far more than the
// real workers can take, and the screen shows the true count of refused messages — Overview's
// outcome figures equal the engine's counters, and Charts draws rejections as their own series
// with the rejection-rate threshold (before, Overview said "0 errors in total" and Charts had no
// rejected series at all).
import { expect, test } from '@playwright/test';
import { waitFor } from '../common/test-support/wait';
import { ARTIFACTS, call, openApp } from './helpers';

const COUNT = 2_000;

test('an overload run shows the true rejected count on Overview and a rejected series in Charts', async ({ page }) => {
  await openApp(page, 'overview');
  const { pool } = await call('getConfig', {});
  const original = { minWorkers: pool.minWorkers, maxWorkers: pool.maxWorkers, messageQueueSize: pool.messageQueueSize };
  // capacity: 2 workers × 100 in flight / 1 s ≈ 200 msg/s plus a 20-message queue; offered: 1,000 msg/s
  await call('updateConfig', { patch: { pool: { minWorkers: 2, maxWorkers: 2, messageQueueSize: 20 } } });
  try {
    const before = (await call('getStats', {})).outcomes;
    await call('startLoad', { rate: 1_000, count: COUNT, sleepMs: 1_000, failureRate: 0, payloadBytes: 0 });
    const load = await waitFor(
      async () => {
        const s = await call('getLoadStatus', {});
        return !s.running && s.succeeded + s.failed + s.rejected === COUNT ? s : undefined;
      },
      'the load to settle every message',
      60_000,
      250,
    );
    const stats = await call('getStats', {});
    const o = stats.outcomes;
    const sent = (k: keyof typeof o) => o[k] - before[k];
    expect(sent('answered') + sent('agentError') + sent('timedOut') + sent('rejected') + sent('cancelled')).toBe(COUNT);
    expect(sent('rejected')).toBe(load.rejected);
    expect(load.rejected).toBeGreaterThan(COUNT / 2);

    // Overview: the engine's totals, rejections apart from errors
    const total = o.answered + o.agentError + o.timedOut + o.rejected + o.cancelled;
    await expect(page.getByTestId('outcome-rejected')).toHaveText(`${o.rejected.toLocaleString('en-US')} rejected`);
    await expect(page.getByTestId('outcome-answered')).toHaveText(`${o.answered.toLocaleString('en-US')} answered`);
    await expect(page.getByTestId('card-outcomes-value')).toHaveText(total.toLocaleString('en-US'));
    await expect(page.getByTestId('card-rejection-rate')).toContainText(`${o.rejected.toLocaleString('en-US')} rejected in total`);
    await page.screenshot({ path: `${ARTIFACTS}/overload-overview.png`, fullPage: true });

    // Charts: a rejection-rate series of its own, with its threshold
    await page.getByTestId('nav-charts').click();
    const chart = page.getByTestId('chart-rejections');
    await expect(chart).toBeVisible();
    await expect(chart.getByRole('button', { name: 'Rejected (%)' })).toBeVisible();
    await expect(chart.locator('path.recharts-line-curve')).toBeVisible();
    await expect(chart.getByTestId('threshold-rejectionRate')).toBeVisible();
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/overload-charts.png`, fullPage: true });
  } finally {
    await call('stopLoad', {});
    await call('updateConfig', { patch: { pool: original } });
  }
});
