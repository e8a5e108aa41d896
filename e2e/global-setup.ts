// One real headless server (real Python workers) for the whole browser run;
// tests find it through GCC_URL / GCC_TOKEN. The returned function is the teardown.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startServer } from './server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(join(repoRoot, 'e2e', 'artifacts'), { recursive: true });
  // one retry: on this shared machine another build may be rewriting out/ at the moment we start
  const server = await startServer({ staticDir: process.env.GCC_STATIC_DIR }).catch(async (err: unknown) => {
    console.warn(`[e2e] headless server did not start, retrying once: ${(err as Error).message.split('\n')[0]}`);
    await new Promise((r) => setTimeout(r, 3_000));
    return startServer({ staticDir: process.env.GCC_STATIC_DIR });
  });
  process.env.GCC_URL = server.url;
  process.env.GCC_TOKEN = server.token;
  process.env.GCC_DATA_DIR = server.dataDir;
  return async () => {
    await server.stop();
  };
}
