// States an operator must be able to read at a glance: the host going away
// and coming back, and workers that cannot start because of Python. Each test
// runs its own real headless server so the shared one is left alone.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS, server } from './helpers';
import { startServer } from './server';

test('connection lost while the host is down, restored when it is back', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'gcc-e2e-conn-'));
  let server = await startServer({ dataDir });
  try {
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.token)}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
    // the token moved from the address bar into the session
    expect(page.url()).not.toContain('token=');
    const port = Number(new URL(server.url).port);
    const token = server.token;
    await server.stop();
    await expect(page.getByTestId('banner-connection-lost')).toBeVisible();
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'lost');
    await page.screenshot({ path: `${ARTIFACTS}/connection-lost.png` });

    server = await startServer({ dataDir, port, token });
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
    await expect(page.getByTestId('banner-connection-restored')).toBeVisible();
    await expect(page.getByTestId('pool-status')).toHaveAttribute('data-phase', 'running');
    // the restarted host numbers its events from the start: the log must show them, not skip them
    const res = await fetch(`${server.url}/api/getDetailedStats`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
    const pid = ((await res.json()) as { workers: { pid: number }[] }).workers[0]!.pid;
    await page.getByTestId('nav-events').click();
    await expect(page.getByTestId('events-list')).toContainText(`pid ${pid}`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('opening the page without the token says how to get in', async ({ page }) => {
  const { url } = server();
  await page.goto(`${url}/`);
  await page.evaluate(() => (globalThis as unknown as { sessionStorage: { clear(): void } }).sessionStorage.clear());
  await page.reload();
  await expect(page.getByTestId('banner-unauthorized')).toBeVisible();
  await expect(page.getByTestId('banner-unauthorized')).toContainText('#token=');
});

test('a Python environment problem shows the real error text', async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'gcc-e2e-py-'));
  mkdirSync(dataDir, { recursive: true });
  // an agent module that does not exist: the worker's own ImportError must reach the page
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ pool: { agent: 'no_such_module_xyz:Agent', minWorkers: 1, maxWorkers: 2 } }));
  const server = await startServer({ dataDir, waitHealthy: false });
  try {
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.token)}`);
    await expect(page.getByTestId('banner-python-problem')).toBeVisible({ timeout: 45_000 });
    await expect(page.getByTestId('start-error')).toContainText('no_such_module_xyz');
    await expect(page.getByTestId('pool-status')).toHaveAttribute('data-phase', 'python-problem');
    await page.screenshot({ path: `${ARTIFACTS}/python-problem.png` });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
