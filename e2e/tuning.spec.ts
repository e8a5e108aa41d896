// The tuning assistant end to end: a small experiment on throw-away pools of
// the real headless server, its charts and recommendation, applying it
// through the diff preview, and the HTML report with its charts drawn.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, call, openApp } from './helpers';

test('runs an experiment, applies its recommendation through the diff preview, downloads the HTML report', async ({ page }) => {
  const { concurrencyPerWorker, minWorkers, maxWorkers } = (await call('getConfig', {})).pool;
  // today: one worker taking 2 messages at once, so 20 ms tasks at 300 msg/s queue up (~100 msg/s);
  // 50 per worker keeps up. The steps run as many workers as the live pool has, so it is pinned
  // to one: earlier specs' load may have scaled it up, and then "today" kept up too.
  await call('updateConfig', { patch: { pool: { concurrencyPerWorker: 2, minWorkers: 1, maxWorkers: 1 } } });
  await expect.poll(async () => (await call('getStats', {})).total, { timeout: 30_000 }).toBe(1);
  try {
    const problems = await openApp(page, 'tuning');
    await expect(page.getByTestId('tuning-form')).toBeVisible();
    await page.getByTestId('tuning-setting1').selectOption('concurrencyPerWorker');
    await page.getByTestId('tuning-values1').fill('2, 50');
    await page.getByTestId('tuning-rate').fill('300');
    await page.getByTestId('tuning-sleepMs').fill('20');
    await page.getByTestId('tuning-warmupMs').fill('500');
    await page.getByTestId('tuning-measureMs').fill('1500');
    await page.getByTestId('tuning-name').fill('e2e concurrency');
    await page.getByTestId('tuning-run').click();

    await expect(page.getByTestId('tuning-status')).toHaveText('done', { timeout: 60_000 });
    await expect(page.getByTestId('tuning-step')).toHaveCount(2);
    for (const metric of ['throughput', 'p99Ms']) {
      const chart = page.getByTestId(`tuning-chart-${metric}`);
      await expect(chart.locator('path.recharts-line-curve')).toBeVisible();
      await expect(chart).toHaveAttribute('data-points', '2');
      await expect(chart.locator('.recharts-reference-dot')).toHaveCount(1); // the knee
      await expect(chart.locator('.recharts-reference-line')).toHaveCount(1); // today
    }
    await expect(page.getByTestId('tuning-reason')).toContainText("50 per worker: ");
    await expect(page.getByTestId('tuning-reason')).toContainText("today's throughput");
    await page.screenshot({ path: `${ARTIFACTS}/tuning.png`, fullPage: true });

    // apply: the same preview/diff as the Configuration view, nothing changed until confirmed
    await page.getByTestId('tuning-apply').click();
    const row = page.getByTestId('tuning-diff').getByTestId('diff-row');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-path', 'pool.concurrencyPerWorker');
    expect((await call('getConfig', {})).pool.concurrencyPerWorker).toBe(2);
    await page.getByTestId('tuning-apply-confirm').click();
    await expect(page.getByTestId('tuning-apply-status')).toContainText('pool.concurrencyPerWorker');
    expect((await call('getConfig', {})).pool.concurrencyPerWorker).toBe(50);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tuning-export-html').click()]);
    expect(download.suggestedFilename()).toMatch(/^greenlet-tuning-.*\.html$/);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<polyline /g)).toHaveLength(2);
    expect(html).toContain('class="knee"');
    expect(html).not.toMatch(/<script|src="http/i);
    expect(problems).toEqual([]);
  } finally {
    await call('updateConfig', { patch: { pool: { concurrencyPerWorker, minWorkers, maxWorkers } } });
  }
});
