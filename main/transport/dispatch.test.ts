// The generic router shared by IPC and HTTP, exercised with a small handlers
// object (transport-only: no pool behaviour is under test here).
import { describe, expect, it } from 'vitest';
import { methodNames } from '../../common/contract';
import type { ApiHandlers } from '../../common/contract';
import { ApiError } from '../control/api-error';
import { dispatch, isMethodName, parseInput } from './dispatch';

function handlersWith(overrides: Partial<Record<string, (input: unknown) => Promise<unknown>>>): ApiHandlers {
  const calls: Record<string, unknown[]> = {};
  const base = Object.fromEntries(methodNames.map((m) => [m, async (input: unknown) => (calls[m] ??= []).push(input) && { method: m, input }]));
  return { ...base, ...overrides } as unknown as ApiHandlers;
}

describe('dispatch', () => {
  it('knows exactly the contract methods', () => {
    for (const m of methodNames) expect(isMethodName(m)).toBe(true);
    expect(isMethodName('constructor')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
  });

  it('treats a missing body as no arguments for methods without input', async () => {
    const r = await dispatch(handlersWith({}), 'getStats', undefined);
    expect(r).toEqual({ ok: true, value: { method: 'getStats', input: {} } });
  });

  it('applies schema defaults before the handler sees the input', async () => {
    const r = await dispatch(handlersWith({}), 'startLoad', { rate: 5, count: 10 });
    expect(r.ok && (r.value as { input: Record<string, unknown> }).input).toEqual({
      rate: 5,
      count: 10,
      sleepMs: 0,
      failureRate: 0,
      payloadBytes: 0,
    });
  });

  it('refuses invalid input naming every bad field, without calling the handler', async () => {
    let called = false;
    const r = await dispatch(handlersWith({ startLoad: async () => (called = true) }), 'startLoad', {
      rate: -1,
      count: 1.5,
      bogus: true,
    });
    expect(called).toBe(false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('ERR_VALIDATION');
    const paths = r.error.issues?.map((i) => i.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['rate', 'count']));
    expect(r.error.message).toMatch(/rate/);
    expect(r.error.message).toMatch(/bogus/); // strict objects name the unknown key
  });

  it('answers an unknown method with ERR_NOT_FOUND', async () => {
    const r = await dispatch(handlersWith({}), 'dropDatabase', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'ERR_NOT_FOUND' } });
  });

  it('keeps the code, issues and details of a handler error', async () => {
    const r = await dispatch(
      handlersWith({ submitTask: async () => Promise.reject(new ApiError('ERR_QUEUE_FULL', 'queue full', undefined, { depth: 100 })) }),
      'submitTask',
      { data: 1 },
    );
    expect(r).toEqual({ ok: false, error: { code: 'ERR_QUEUE_FULL', message: 'queue full', issues: undefined, details: { depth: 100 } } });
  });

  it('turns a plain exception into ERR_INTERNAL with its message', async () => {
    const r = await dispatch(handlersWith({ getStats: async () => Promise.reject(new Error('boom')) }), 'getStats', {});
    expect(r).toEqual({ ok: false, error: { code: 'ERR_INTERNAL', message: 'boom' } });
  });

  it('parseInput returns the parsed value and throws ApiError otherwise', () => {
    expect(parseInput('recycleWorker', { workerId: 'w-1' })).toEqual({ workerId: 'w-1' });
    expect(() => parseInput('recycleWorker', { workerId: '' })).toThrow(/workerId/);
  });
});
