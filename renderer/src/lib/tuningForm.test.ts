// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { checkTuningForm, DEFAULT_TUNING_FORM } from './tuningForm';

describe('checkTuningForm', () => {
  it('turns the default form into a spec with numeric values', () => {
    const r = checkTuningForm(DEFAULT_TUNING_FORM);
    expect(r.ok && r.spec.vary).toEqual([{ setting: 'workers', values: [1, 2, 4] }]);
    expect(r.ok && r.spec.load).toEqual({ rate: 500, sleepMs: 10, cpuMs: 0, failureRate: 0, payloadBytes: 0, replay: false, replayMultiple: 1 });
    expect(r.ok && [r.spec.rounds, r.spec.mode]).toEqual([2, 'fixed']);
  });

  it('keeps strategy names as text and varies a second setting', () => {
    const r = checkTuningForm({
      ...DEFAULT_TUNING_FORM,
      setting1: 'loadBalancingStrategy',
      values1: 'round-robin, p2c-ewma',
      setting2: 'workers',
      values2: '1 2',
    });
    expect(r.ok && r.spec.vary).toEqual([
      { setting: 'loadBalancingStrategy', values: ['round-robin', 'p2c-ewma'] },
      { setting: 'workers', values: [1, 2] },
    ]);
  });

  it('names the field at fault: a value that is not a number, a rate out of range, too many steps', () => {
    const bad = checkTuningForm({ ...DEFAULT_TUNING_FORM, values1: '1, x', rate: '0' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && Object.keys(bad.errors).sort()).toEqual(['rate', 'values1']);
    const many = checkTuningForm({ ...DEFAULT_TUNING_FORM, values1: '1 2 3 4 5 6', setting2: 'concurrencyPerWorker', values2: '1 2 3 4 5' });
    expect(!many.ok && many.errors.values1).toMatch(/at most 24 steps/);
  });
});
