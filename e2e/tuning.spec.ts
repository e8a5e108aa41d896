// The tuning assistant end to end: a small experiment on throw-away pools of
// the real headless server, its charts and recommendation, applying it
// through the diff preview, and the HTML report with its charts drawn.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
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
    await page.getByTestId('tuning-rounds').fill('1');
    await expect(page.getByTestId('tuning-shared-cores')).toContainText("share this machine's cores with the live pool");
    await page.getByTestId('tuning-name').fill('e2e concurrency');
    await page.getByTestId('tuning-run').click();

    await expect(page.getByTestId('tuning-status')).toHaveText('done', { timeout: 60_000 });
    await expect(page.getByTestId('tuning-step')).toHaveCount(2);
    for (const metric of ['throughput', 'p99Ms']) {
      const chart = page.getByTestId(`tuning-chart-${metric}`);
      await expect(chart.locator('path.recharts-line-curve')).toBeVisible();
      await expect(chart).toHaveAttribute('data-points', '2');
      await expect(chart.locator('.recharts-reference-dot')).toHaveCount(1); // the recommended point
      await expect(chart.locator('.recharts-reference-line')).toHaveCount(1); // today
      await expect(chart.getByTestId('tuning-legend')).toContainText('recommended');
    }
    // today (2 at once: 100 msg/s) falls behind at 300 msg/s; 50 at once keeps up
    await expect(page.getByTestId('tuning-point').filter({ hasText: '2 per worker' })).toHaveAttribute('data-kept-up', 'false');
    await expect(page.getByTestId('tuning-reason')).toContainText('50 per worker: keeps up at 300 msg/s');
    await expect(page.getByTestId('tuning-reason')).toContainText('Today (2 per worker) did not keep up');
    await expect(page.getByTestId('tuning-live-cost')).toContainText('The live pool meanwhile');
    // at 1440 px the step table reads without a sideways scroll
    const table = page.getByTestId('tuning-table');
    expect(await table.evaluate((t) => t.scrollWidth <= t.parentElement!.clientWidth)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/tuning.png`, fullPage: true });
    await page.getByTestId('tuning-chart-p99Ms').screenshot({ path: `${ARTIFACTS}/tuning-p99.png` });

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

/** Text boxes of the report's charts that intersect, as pairs of their texts (none expected). */
async function overlappingLabels(page: Page): Promise<string[]> {
  const out: string[] = [];
  for (const svg of await page.locator('svg').all()) {
    const boxes = await svg.locator('text').evaluateAll((ts) =>
      ts.map((t) => ({
        t: t.textContent ?? '',
        r: t.getBoundingClientRect().toJSON() as { left: number; right: number; top: number; bottom: number },
      })),
    );
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!.r, boxes[j]!.r];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(`${boxes[i]!.t} × ${boxes[j]!.t}`);
      }
  }
  return out;
}

test('a capacity run of two settings draws p99 against offered load per setting, with a legend; the report matches the app', async ({ page }) => {
  const { concurrencyPerWorker, minWorkers, maxWorkers } = (await call('getConfig', {})).pool;
  await call('updateConfig', { patch: { pool: { concurrencyPerWorker: 2, minWorkers: 1, maxWorkers: 1 } } });
  await expect.poll(async () => (await call('getStats', {})).total, { timeout: 30_000 }).toBe(1);
  try {
    const problems = await openApp(page, 'tuning');
    await page.getByTestId('tuning-setting1').selectOption('concurrencyPerWorker');
    await page.getByTestId('tuning-values1').fill('2, 32');
    await page.getByTestId('tuning-mode').selectOption('capacity');
    // 20 ms tasks on one worker: 2 at once carry 100 msg/s, 32 at once far more; 40 → 80 → 160 msg/s
    await page.getByTestId('tuning-rate').fill('40');
    await page.getByTestId('tuning-factor').fill('2');
    await page.getByTestId('tuning-levels').fill('3');
    await page.getByTestId('tuning-rounds').fill('1');
    await page.getByTestId('tuning-sleepMs').fill('20');
    await page.getByTestId('tuning-warmupMs').fill('300');
    await page.getByTestId('tuning-measureMs').fill('1000');
    await page.getByTestId('tuning-p99BudgetMs').fill('200');
    await page.getByTestId('tuning-name').fill('e2e capacity');
    await page.getByTestId('tuning-run').click();

    await expect(page.getByTestId('tuning-status')).toHaveText('done', { timeout: 80_000 });
    const chart = page.getByTestId('tuning-chart-capacity');
    await expect(chart.locator('path.recharts-line-curve')).toHaveCount(2);
    const legend = chart.getByTestId('tuning-legend');
    await expect(legend).toContainText('2 per worker (today)');
    await expect(legend).toContainText('32 per worker');
    await expect(legend).toContainText('p99 budget 200 ms');
    await expect(page.getByTestId('tuning-reason')).toContainText('32 per worker: sustains 160 msg/s');
    const appColors = await chart.locator('path.recharts-line-curve').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    await chart.screenshot({ path: `${ARTIFACTS}/tuning-capacity-chart.png` });
    await page.getByTestId('tuning-table').screenshot({ path: `${ARTIFACTS}/tuning-capacity-table.png` });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tuning-export-html').click()]);
    const html = readFileSync(await download.path(), 'utf8');
    expect(problems).toEqual([]);
    await page.setContent(html);
    const reportColors = await page.locator('svg polyline.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(reportColors).toEqual(appColors);
    for (const label of ['2 per worker (today)', '32 per worker', 'recommended'])
      await expect(page.locator('svg text.legend', { hasText: label }).first()).toBeVisible();
    expect(await overlappingLabels(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/tuning-capacity-report.png`, fullPage: true });
  } finally {
    await call('updateConfig', { patch: { pool: { concurrencyPerWorker, minWorkers, maxWorkers } } });
  }
});
