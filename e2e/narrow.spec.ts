// A small laptop window (1024×768): every view must fit its width (tables scroll
// inside their own box, never the page) and no text may be cut off by its box.
import { expect, test } from '@playwright/test';
import { ARTIFACTS, call, openApp } from './helpers';

const VIEWS = ['overview', 'workers', 'charts', 'tuning', 'config', 'alerts', 'events', 'console', 'export', 'python'];

test('every view fits a 1024×768 window without page-wide horizontal scrolling (light and dark)', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  await call('startLoad', { rate: 20, count: 0, sleepMs: 20, failureRate: 0.05, payloadBytes: 0 });
  try {
    const problems = await openApp(page);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of VIEWS) {
        await page.getByTestId(`nav-${view}`).click();
        await expect(page.getByTestId(`view-${view}`)).toBeVisible();
        if (view === 'charts') await expect(page.getByTestId('chart-throughput').locator('path.recharts-line-curve')).toBeVisible();
        // the document never scrolls sideways; wide content scrolls in its own container
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${view} (${scheme}) overflows the window by ${overflow}px`).toBeLessThanOrEqual(0);
        // no single-line control or chip cuts its own text
        // (a string: the e2e tsconfig has no DOM types)
        const clipped = await page.evaluate<string[]>(`[...document.querySelectorAll('button, .chip, .card .value, th, label, .topbar h1')]
          .filter((el) => el.offsetParent !== null && getComputedStyle(el).whiteSpace === 'nowrap' && el.scrollWidth > el.clientWidth + 1)
          .map((el) => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 40))`);
        expect(clipped, `${view} (${scheme}) clips text`).toEqual([]);
        await page.screenshot({ path: `${ARTIFACTS}/narrow-${view}${scheme === 'dark' ? '-dark' : ''}.png` });
      }
    }
    expect(problems).toEqual([]);
  } finally {
    await call('stopLoad', {});
  }
});
