import { describe, expect, it } from 'vitest';
import { alertThresholdsSchema } from '../../preload/schemas';
import { AlertEngine } from './alerts';
import { sample } from './test-samples';

const defaults = () => alertThresholdsSchema.parse({});
const T0 = 1_000_000;

describe('AlertEngine', () => {
  it('raises only after raiseAfterSamples consecutive breaches', () => {
    const a = new AlertEngine(defaults()); // raiseAfterSamples 2, errorRatePct 10
    expect(a.evaluate(sample(T0, { errorRate: 0.5 }), [], T0).raised).toEqual([]);
    expect(a.evaluate(sample(T0 + 1, { errorRate: 0 }), [], T0 + 1).raised).toEqual([]); // streak broken
    expect(a.evaluate(sample(T0 + 2, { errorRate: 0.5 }), [], T0 + 2).raised).toEqual([]);
    const { raised } = a.evaluate(sample(T0 + 3, { errorRate: 0.5 }), [], T0 + 3);
    expect(raised.map((r) => [r.id, r.severity, r.value, r.threshold])).toEqual([['errorRate', 'critical', 50, 10]]);
    expect(a.view().active.map((x) => x.id)).toEqual(['errorRate']);
  });

  it('clears with hysteresis: a value just under the threshold keeps the alert', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, hysteresisPct: 10 });
    a.evaluate(sample(T0, { avgLatencyMs: 6000 }), [], T0);
    expect(a.evaluate(sample(T0 + 1, { avgLatencyMs: 4800 }), [], T0 + 1).cleared).toEqual([]); // 4800 > 4500
    const { cleared } = a.evaluate(sample(T0 + 2, { avgLatencyMs: 4500 }), [], T0 + 2);
    expect(cleared.map((c) => [c.id, c.clearedAt])).toEqual([['avgResponseTime', T0 + 2]]);
    expect(a.view().active).toEqual([]);
    expect(a.view().history[0]).toMatchObject({ id: 'avgResponseTime', raisedAt: T0, clearedAt: T0 + 2 });
  });

  it('available-workers warning clears only above threshold plus hysteresis', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, availableWorkersPct: 50, hysteresisPct: 20 });
    expect(a.evaluate(sample(T0, { total: 10, available: 4 }), [], T0).raised.map((r) => r.id)).toEqual(['availableWorkers']);
    expect(a.evaluate(sample(T0 + 1, { total: 10, available: 5 }), [], T0 + 1).cleared).toEqual([]);
    expect(a.evaluate(sample(T0 + 2, { total: 10, available: 6 }), [], T0 + 2).cleared.map((c) => c.id)).toEqual(['availableWorkers']);
  });

  it('raises no-healthy-workers and queue-fill, and respects the switch for the former', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1 });
    const ids = a.evaluate(sample(T0, { healthy: 0, available: 0, queueDepth: 90 }), [], T0).raised.map((r) => r.id);
    expect(ids.sort()).toEqual(['availableWorkers', 'noHealthyWorkers', 'queueFill']);
    a.setThresholds({ ...defaults(), raiseAfterSamples: 1, noHealthyWorkers: false });
    const cleared = a.evaluate(sample(T0 + 1, { healthy: 0, available: 0, queueDepth: 90 }), [], T0 + 1).cleared;
    expect(cleared.map((c) => c.id)).toEqual(['noHealthyWorkers']);
  });

  it('tracks worker age per worker and clears when the worker is recycled away', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, workerAgeHours: 8 });
    const old = 9 * 3_600_000;
    const { raised } = a.evaluate(sample(T0), [{ id: 'w-1', ageMs: old }, { id: 'w-2', ageMs: 1000 }], T0);
    expect(raised.map((r) => [r.id, r.workerId, r.severity])).toEqual([['workerAge:w-1', 'w-1', 'warning']]);
    const { cleared } = a.evaluate(sample(T0 + 1), [{ id: 'w-2', ageMs: 2000 }, { id: 'w-3', ageMs: 10 }], T0 + 1);
    expect(cleared.map((c) => c.id)).toEqual(['workerAge:w-1']);
  });

  it('keeps a bounded history, newest first', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1 }, 3);
    for (let i = 0; i < 5; i++) {
      a.evaluate(sample(T0 + 2 * i, { errorRate: 1 }), [], T0 + 2 * i);
      a.evaluate(sample(T0 + 2 * i + 1, { errorRate: 0 }), [], T0 + 2 * i + 1);
    }
    const history = a.view().history;
    expect(history).toHaveLength(3);
    expect(history.map((h) => h.raisedAt)).toEqual([T0 + 8, T0 + 6, T0 + 4]);
  });
});
