// Shared helpers for the control-plane tests that run a real pool.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigPatch } from '../../../common/schemas';
import { ControlPlane } from '../index';

export const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'gcc-plane-'));

// Small pools and fast sampling: two shared cores, many helpers.
export const SMALL: ConfigPatch = {
  pool: { minWorkers: 1, maxWorkers: 2, healthCheckInterval: 5_000 },
  sampling: { intervalMs: 200, persistIntervalMs: 60_000 },
};

export function createPlane(dataDir: string, overrides: ConfigPatch = SMALL): Promise<ControlPlane> {
  return ControlPlane.create({ dataDir, mode: 'headless', version: '9.9.9-test', configOverrides: overrides });
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; issues?: Array<{ path: string; message?: string }> }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string; issues?: Array<{ path: string; message?: string }> };
  }
  throw new Error('expected a rejection');
}
