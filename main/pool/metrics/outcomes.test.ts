// The engine's outcome counters: every message that reached execute() is counted once, in the
// outcome it really had, with real workers (answered, agent error, run and queue timeouts,
// cancels before and during the run, full queue, refused before start and after shutdown).
import { describe, expect, it } from 'vitest';
import { installCleanup, makePool, msg } from '../test-support/pool-test-helpers';
import { LATENCY_BOUNDS_MS, OutcomeCounter, outcomeOf } from './outcomes';
import { waitFor } from '../../../common/test-support/wait';

installCleanup();

const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'unknown',
  );

describe('outcome counters', () => {
  it('count every message once, in the outcome it had: sent = answered + agentError + timedOut + rejected + cancelled', async () => {
    const { pool } = makePool({ minWorkers: 1, maxWorkers: 1, concurrencyPerWorker: 2, messageQueueSize: 2, maxRetries: 0 });
    let sent = 0;
    const send = (data: unknown, opts?: Parameters<typeof pool.execute>[1]): Promise<string> => {
      sent++;
      return codeOf(pool.execute(msg(data), opts));
    };
    expect(await send('before start')).toBe('ERR_NOT_CONNECTED');
    await pool.start();
    for (let i = 0; i < 3; i++) expect(await send({ i })).toBe('ok');
    for (let i = 0; i < 2; i++) expect(await send({ fail: true })).toBe('ERR_AGENT');
    expect(await send({ sleep_ms: 5_000 }, { timeout: 100 })).toBe('ERR_TIMEOUT');
    const pre = new AbortController();
    pre.abort();
    expect(await send({ i: 'pre-aborted' }, { signal: pre.signal })).toBe('ERR_CANCELLED');

    // Two running (cancelled later), two queued (their queue deadline passes), three refused.
    const ac = new AbortController();
    const running = [send({ sleep_ms: 10_000 }, { signal: ac.signal }), send({ sleep_ms: 10_000 }, { signal: ac.signal })];
    const queued = [send({ q: 1 }, { queueTimeout: 50 }), send({ q: 2 }, { queueTimeout: 50 })];
    const refused = [send({ r: 1 }), send({ r: 2 }), send({ r: 3 })];
    expect(await Promise.all(refused)).toEqual(Array(3).fill('ERR_QUEUE_FULL'));
    expect(await Promise.all(queued)).toEqual(Array(2).fill('ERR_QUEUE_TIMEOUT'));
    ac.abort();
    expect(await Promise.all(running)).toEqual(Array(2).fill('ERR_CANCELLED'));
    await waitFor(() => pool.getStats().inFlight === 0, 'cancelled messages to leave the worker');

    await pool.shutdown();
    expect(await send('after shutdown')).toBe('ERR_POOL_CLOSED');

    const s = pool.getStats();
    expect(s.outcomes).toEqual({ answered: 3, agentError: 2, timedOut: 3, rejected: 5, cancelled: 3 });
    expect(s.rejectedByQueue).toEqual({ pool: 3, worker: 0 });
    const o = s.outcomes;
    expect(o.answered + o.agentError + o.timedOut + o.rejected + o.cancelled).toBe(sent);
    const h = s.latencyHistogram;
    expect(h.boundsMs).toEqual(LATENCY_BOUNDS_MS);
    expect(h.counts).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3); // answered messages only
    expect(h.count).toBe(3);
    expect(h.sumMs).toBeGreaterThan(0);
  });

  it('maps each error code to one outcome; a closed pool is a rejection at the door, a failure after acceptance', () => {
    expect(outcomeOf('ERR_QUEUE_FULL', true)).toBe('rejected');
    expect(outcomeOf('ERR_WORKER_QUEUE_FULL', false)).toBe('rejected');
    expect(outcomeOf('ERR_QUEUE_TIMEOUT', false)).toBe('timedOut');
    expect(outcomeOf('ERR_TIMEOUT', false)).toBe('timedOut');
    expect(outcomeOf('ERR_CANCELLED', true)).toBe('cancelled');
    expect(outcomeOf('ERR_POOL_CLOSED', true)).toBe('rejected');
    expect(outcomeOf('ERR_POOL_CLOSED', false)).toBe('agentError');
    expect(outcomeOf('ERR_POISON_MESSAGE', false)).toBe('agentError');
    expect(outcomeOf('ERR_WORKER_CRASHED', false)).toBe('agentError');
    const c = new OutcomeCounter();
    c.failed('ERR_WORKER_QUEUE_FULL', false);
    c.failed('ERR_QUEUE_FULL', true);
    c.failed('ERR_POOL_CLOSED', true);
    expect(c.counts.rejected).toBe(3);
    expect(c.byQueue).toEqual({ pool: 1, worker: 1 }); // the third was refused at the door, by no queue
  });
});
