// The control-plane set-up of every node-side test that runs a real one (control, headless,
// A2A, cluster) and of the benches: a headless plane over a temp data dir with small pools
// and fast sampling (two shared cores, many helpers), and a wait for its workers.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigPatch } from '../../../common/schemas';
import { waitFor } from '../../../common/test-support/wait';
import { ControlPlane, type ControlPlaneOptions } from '../index';

export const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'gcc-plane-'));

export const SMALL: ConfigPatch = {
  pool: { minWorkers: 1, maxWorkers: 2, healthCheckInterval: 5_000 },
  sampling: { intervalMs: 200, persistIntervalMs: 60_000 },
};

/** `more`: the rest of ControlPlane.create's options (runtimeDir, cluster, version). */
export function createPlane(
  dataDir: string,
  overrides: ConfigPatch = SMALL,
  more: Partial<Omit<ControlPlaneOptions, 'dataDir' | 'configOverrides'>> = {},
): Promise<ControlPlane> {
  return ControlPlane.create({ dataDir, mode: 'headless', version: '9.9.9-test', configOverrides: overrides, ...more });
}

/** Until `workers` workers are healthy; the failure names the start error when there is one. */
export async function waitHealthy(cp: ControlPlane, workers = 1, limitMs = 20_000): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const s = await cp.handlers.getStats({});
      last = s.startError ?? `${s.healthy} healthy`;
      return s.healthy >= workers;
    },
    `${workers} healthy workers`,
    limitMs,
    100,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (${last})`);
  });
}
