// Browser tests: Chromium against the REAL headless server with real Python
// workers (started once in e2e/global-setup.ts). `npm test` builds first and
// makes sure a Chromium exists; scripts/browser.mjs says which one (env var,
// Playwright's cache, the system package, PATH). With none found, Playwright
// falls back to its own and says how to install it.
import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/browser.mjs';

export default defineConfig({
  testDir: 'e2e',
  workers: 1, // one shared server and a 2-core machine
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  retries: 0,
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: findChromium()?.path,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
