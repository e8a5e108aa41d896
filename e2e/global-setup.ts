// One real headless server (real Python workers) for the whole browser run;
// tests find it through GCC_URL / GCC_TOKEN. The returned function is the teardown.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startServer } from './server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(join(repoRoot, 'e2e', 'artifacts'), { recursive: true });
  const server = await startServer({ staticDir: process.env.GCC_STATIC_DIR });
  process.env.GCC_URL = server.url;
  process.env.GCC_TOKEN = server.token;
  process.env.GCC_DATA_DIR = server.dataDir;
  return async () => {
    await server.stop();
  };
}
