// Worker death is seen from the process itself: a child that agent code left behind holds
// the worker's pipes open, and must not hide the death (the pool re-dispatches at once).
// Reading replies is capped by a shared budget: over it, reading pauses; nothing is dropped.
import { afterEach, describe, expect, it } from 'vitest';
import { connected } from '../test-support/adapter-test-kit';
import { ReplyBudget } from './framing';
import { installCleanup, makePool, msg, ofType } from '../test-support/pool-test-helpers';
import { testAgentsDir } from '../test-support/test-agents';
import { waitFor } from '../../../common/test-support/wait';

installCleanup();

const fixtures = { agent: 'child_agent:ChildAgent', pythonPaths: [testAgentsDir] };
const leftovers: number[] = [];

afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe.skipIf(process.platform === 'win32')('a worker whose child outlives it', () => {
  for (const how of ['spawn', 'fork'] as const) {
    it(`kill -9 with a ${how}ed daemon holding the pipes: the pool sees the death and re-dispatches`, async () => {
      // A host timeout longer than the test's: only the exit (not a timeout) can finish this message.
      const { pool, events } = makePool({ ...fixtures, loadBalancingStrategy: 'round-robin', timeout: 120_000 });
      await pool.start();
      const daemon = await pool.executeWithInfo(msg({ daemon: how }));
      leftovers.push(daemon.result as number);
      const victimId = daemon.workerId;
      const victim = pool.getDetailedStats().workers.find((w) => w.id === victimId)!;
      // Round-robin: the next message lands on the other worker, the one after on the victim.
      await pool.execute(msg({ warm: 1 }));
      const slow = pool.executeWithInfo(msg({ sleep_ms: 300 }));
      await waitFor(() => pool.getDetailedStats().workers.find((w) => w.id === victimId)!.inFlight === 1, 'message on the victim');
      process.kill(victim.pid!, 'SIGKILL');
      const outcome = await slow;
      expect(outcome).toMatchObject({ result: { sleep_ms: 300 }, attempts: 2 });
      expect(outcome.workerId).not.toBe(victimId);
      expect(ofType(events, 'worker.exited').some((e) => e.workerId === victimId && e.data?.signal === 'SIGKILL')).toBe(true);
    });
  }
});

describe('the reply budget shared by several workers', () => {
  it('large results from three workers at once: reading pauses over the budget and every result arrives intact', async () => {
    const budget = new ReplyBudget(256 * 1024);
    const adapters = await Promise.all([1, 2, 3].map(() => connected({ replyBudget: budget })));
    const big = (a: number, i: number) => `${a}:${i}:`.padEnd(1024 * 1024, String.fromCharCode(97 + a * 4 + i)); // 1 MiB each
    const replies = await Promise.all(adapters.flatMap((a, ai) => [0, 1, 2, 3].map((i) => a.process(big(ai, i)))));
    expect(replies.map((r) => r.result)).toEqual(adapters.flatMap((_, ai) => [0, 1, 2, 3].map((i) => big(ai, i))));
    expect(budget.pauses).toBeGreaterThan(0); // the workers' replies overlapped past 256 KiB and were held back
    expect(budget.heldBytes).toBe(0);
    // Over the limit by at most the one frame being finished plus a pipe read per worker.
    expect(budget.peakBytes).toBeLessThanOrEqual(256 * 1024 + 1024 * 1024 + 3 * 64 * 1024 + 64);
  });
});
