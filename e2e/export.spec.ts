import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, call, openApp } from './helpers';

test('exporting a JSON snapshot downloads a file with config, stats and history', async ({ page }) => {
  await openApp(page, 'export');
  const config = await call('getConfig', {});
  await page.getByTestId('export-json').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toMatch(/^greenlet-snapshot-.*\.json$/);
  const file = await download.path();
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  expect(snap.config).toEqual(config);
  expect(snap.detailedStats.workers.length).toBeGreaterThan(0);
  expect(snap.stats.total).toBe(snap.detailedStats.workers.length);
  expect(Array.isArray(snap.history.samples)).toBe(true);
  expect(snap.alerts).toHaveProperty('thresholds');
  await expect(page.getByTestId('export-filename')).toHaveText(download.suggestedFilename());
  await page.screenshot({ path: `${ARTIFACTS}/export.png` });
});

test('exporting CSV downloads the history as rows under a header', async ({ page }) => {
  await openApp(page, 'export');
  await page.getByTestId('export-csv').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const lines = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toMatch(/^time,/);
  expect(lines[0]).toContain('throughput');
  expect(lines.length).toBeGreaterThan(1); // the sampler has recorded at least one sample by now
  expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
});
