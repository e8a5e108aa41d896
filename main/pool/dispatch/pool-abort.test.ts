// One AbortSignal shared by many messages (an operator's "cancel this batch" or shutdown
// signal): abort handling must not add a listener per message, which trips Node's
// MaxListenersExceededWarning past 10 and grows the signal's listener list without bound.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg } from '../test-support/pool-test-helpers';

installCleanup();

describe('pool abort signals', () => {
  it('a signal shared by 30 in-flight and queued messages carries one listener and cancels them all', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const { pool } = makePool({ concurrencyPerWorker: 12, messageQueueSize: 20 });
      await pool.start();
      const ac = new AbortController();
      const all = Array.from({ length: 30 }, (_, i) => pool.execute(msg({ i, sleep_ms: 10_000 }), { signal: ac.signal }).catch((e: unknown) => e));
      expect(pool.getStats()).toMatchObject({ inFlight: 24, queueDepth: 6 });
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
      ac.abort();
      const out = (await Promise.all(all)) as Array<{ code?: string }>;
      expect(out.map((e) => e.code)).toEqual(Array(30).fill('ERR_CANCELLED'));
      expect(pool.getStats()).toMatchObject({ inFlight: 0, queueDepth: 0 });
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      expect(await pool.execute(msg('after'))).toBe('after');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('finished messages leave no listener on a long-lived signal', async () => {
    const { pool } = makePool({ concurrencyPerWorker: 12 });
    await pool.start();
    const ac = new AbortController();
    const all = Array.from({ length: 15 }, (_, i) => pool.execute(msg({ i }), { signal: ac.signal }));
    expect((await Promise.all(all)).length).toBe(15);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    ac.abort(); // nothing left to cancel: must not throw or disturb the pool
    expect(await pool.execute(msg('ok'), { signal: new AbortController().signal })).toBe('ok');
  });
});
