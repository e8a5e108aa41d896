// sendMessageWithResponse waits between retries; an abort or a disconnect during that wait
// must end the call at once rather than after the backoff (which can be many seconds).
import { describe, expect, it } from 'vitest';
import { connected } from '../test-support/adapter-test-kit';
import type { RetryEvent } from './adapter';
import { rejection } from '../../../common/test-support/wait';

const crash = { type: 'agent.process' as const, data: { crash: true } };
const LONG = 600_000; // a backoff no test could wait out

describe('retry backoff', () => {
  it('an abort during the backoff rejects ERR_CANCELLED at once', async () => {
    const a = await connected({ agent: 'crash_agent:CrashAgent', retryDelay: LONG, maxRetries: 3 });
    const ac = new AbortController();
    const retried = new Promise<RetryEvent>((r) => a.once('retry', r));
    const p = a.sendMessageWithResponse(crash, 'agent.result', 3, { signal: ac.signal });
    expect((await retried).error.code).toBe('ERR_WORKER_CRASHED');
    ac.abort();
    expect(await rejection(p)).toMatchObject({ code: 'ERR_CANCELLED' });
  }, 30_000);

  it('disconnect() during the backoff ends the call with the last error', async () => {
    const a = await connected({ agent: 'crash_agent:CrashAgent', retryDelay: LONG, maxRetries: 3 });
    const retried = new Promise<RetryEvent>((r) => a.once('retry', r));
    const p = a.sendMessageWithResponse(crash, 'agent.result');
    await retried;
    await a.disconnect();
    expect(await rejection(p)).toMatchObject({ code: 'ERR_WORKER_CRASHED' });
  }, 30_000);
});
