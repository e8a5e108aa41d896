// The form's checks and the API's schema come from one table: a value one refuses, the other refuses.
import { describe, expect, it } from 'vitest';
import { contract } from './contract';
import { LOAD_BOUNDS, loadFieldError, type LoadField } from './load-shape';

const schema = contract.methods.startLoad.input;
const base = { rate: 10, count: 10, sleepMs: 0, failureRate: 0, payloadBytes: 0 };

describe('load shape bounds', () => {
  it('the form says the range, and the count what 0 means', () => {
    expect(loadFieldError('rate', 0.05)).toBe('0.1 – 100,000');
    expect(loadFieldError('sleepMs', 1.5)).toBe('0 – 600,000');
    expect(loadFieldError('payloadBytes', NaN)).toBe('0 – 1,000,000');
    expect(loadFieldError('count', -1)).toBe('whole number ≥ 0 (0 = until stopped)');
    expect(loadFieldError('failureRate', 1)).toBeUndefined();
  });

  it('the API schema and the form agree on every bound', () => {
    for (const f of Object.keys(LOAD_BOUNDS) as LoadField[]) {
      const b = LOAD_BOUNDS[f];
      for (const v of [b.min, b.max, b.min - 1, b.max + 1, b.int ? b.min + 0.5 : b.max / 2]) {
        const apiOk = schema.safeParse({ ...base, [f]: v }).success;
        expect([f, v, apiOk]).toEqual([f, v, loadFieldError(f, v) === undefined]);
      }
    }
  });
});
