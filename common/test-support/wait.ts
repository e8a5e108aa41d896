// The test kit's timing helpers, one copy for every side (node tests, renderer tests, e2e specs).
// Pure: only the global timer, so common/'s rule (no Node built-ins) holds. No timing is asserted
// with these: a limit only bounds how long a test may hang.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns a truthy value and resolves with it; throws naming `what` (and the
 * last value seen) after `limitMs`.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, limitMs = 20_000, everyMs = 20): Promise<NonNullable<T>> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${limitMs} ms waiting for ${what}; last value ${JSON.stringify(v)}`);
    await sleep(everyMs);
  }
}

export type Rejection = Error & { code?: string; retryable?: boolean; details?: unknown; issues?: Array<{ path: string; message?: string }> };

/** The rejection of `p`, failing the test if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Rejection> {
  try {
    await p;
  } catch (err) {
    return err as Rejection;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
