import { expect, type Page } from '@playwright/test';
import type { ControlCenterApi, MethodName } from '../common/contract';

export const ARTIFACTS = 'e2e/artifacts';

export function server() {
  const url = process.env.GCC_URL;
  const token = process.env.GCC_TOKEN;
  if (!url || !token) throw new Error('GCC_URL/GCC_TOKEN not set — run through playwright (global setup starts the server)');
  return { url, token };
}

type Api = Omit<ControlCenterApi, 'on'>;

/** Calls the real server's API directly, to check what the UI did (or did not) change. */
export async function call<M extends MethodName>(method: M, input: Parameters<Api[M]>[0]): Promise<Awaited<ReturnType<Api[M]>>> {
  const { url, token } = server();
  const res = await fetch(`${url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as Awaited<ReturnType<Api[M]>>;
  if (!res.ok) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Opens the UI with the token in the fragment and waits for the live stream. Collects page errors (CSP violations included). */
export async function openApp(page: Page, view?: string): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  const { url, token } = server();
  await page.goto(`${url}/#token=${encodeURIComponent(token)}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('pool-status')).toHaveAttribute('data-phase', 'running');
  if (view) await page.getByTestId(`nav-${view}`).click();
  return problems;
}
