// Shared set-up for the pool tests: real Python workers from python/examples,
// short intervals, an event recorder, and cleanup that kills whatever a test left.
import { afterEach } from 'vitest';
import { GreenletProcessPool } from '../pool';
import type { PoolEvent, PoolEventType, PoolOptions } from '../types';

const live = new Set<GreenletProcessPool>();

/** A pool with test-friendly timings (no health checks or recycling unless asked). */
export function makePool(opts: Partial<PoolOptions> = {}): { pool: GreenletProcessPool; events: PoolEvent[] } {
  const pool = new GreenletProcessPool({
    minWorkers: 2,
    maxWorkers: 2,
    healthCheckInterval: 60_000,
    workerRecycleInterval: 0,
    maxMessagesPerWorker: 0,
    retryDelay: 10,
    drainTimeout: 5_000,
    idleTimeout: 60_000,
    ...opts,
  });
  const events: PoolEvent[] = [];
  pool.on('event', (e) => events.push(e));
  live.add(pool);
  return { pool, events };
}

export function installCleanup(): void {
  afterEach(async () => {
    for (const p of live) await p.destroy();
    live.clear();
  });
}

export const msg = (data: unknown) => ({ type: 'agent.process' as const, data });

export function ofType(events: PoolEvent[], type: PoolEventType): PoolEvent[] {
  return events.filter((e) => e.type === type);
}

/** Sends `n` messages with at most `window` outstanding; returns every settled outcome in order. */
export async function runLoad(
  pool: GreenletProcessPool,
  n: number,
  window: number,
  data: (i: number) => unknown = (i) => ({ i }),
): Promise<PromiseSettledResult<unknown>[]> {
  const out: PromiseSettledResult<unknown>[] = new Array(n);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < n) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await pool.execute(msg(data(i))) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: window }, lane));
  return out;
}
