import { describe, expect, it } from 'vitest';
import { alertThresholdsSchema } from '../../../common/schemas';
import { AlertEngine } from './alerts';
import { sample } from '../../../common/test-support/samples';

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
    expect(a.evaluate(sample(T0, { total: 10, healthy: 4 }), [], T0).raised.map((r) => r.id)).toEqual(['availableWorkers']);
    expect(a.evaluate(sample(T0 + 1, { total: 10, healthy: 5 }), [], T0 + 1).cleared).toEqual([]);
    expect(a.evaluate(sample(T0 + 2, { total: 10, healthy: 6 }), [], T0 + 2).cleared.map((c) => c.id)).toEqual(['availableWorkers']);
  });

  it('availability counts the workers that exist and are healthy, busy or idle: a saturated pool is not "0 available"', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, availableWorkersPct: 20 });
    // the overload run: 10 workers running, every one busy (no spare slot), all healthy
    const saturated = a.evaluate(sample(T0, { total: 10, healthy: 10, busy: 10, available: 0 }), [], T0);
    expect(saturated.raised.map((r) => r.id)).toEqual([]);
  });

  it('an active alert shows the figures of the latest sample, not those it was raised with', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, availableWorkersPct: 50 });
    a.evaluate(sample(T0, { total: 8, healthy: 2 }), [], T0); // raised while the pool had 8 workers
    a.evaluate(sample(T0 + 1, { total: 10, healthy: 3 }), [], T0 + 1); // it scaled to 10
    const alert = a.view().active.find((x) => x.id === 'availableWorkers');
    expect(alert?.message).toBe('Only 3 of 10 workers available (30 % < 50 %)');
  });

  it('raises a rejection-rate alert of its own, apart from the error rate, once enough messages were offered', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, rejectionRatePct: 5, rejectionRateMinMessages: 20 });
    const outcomes = { answered: 450, agentError: 0, timedOut: 0, rejected: 550, cancelled: 0 };
    const { raised } = a.evaluate(sample(T0, { outcomes, messages: 1000, errorRate: 0, rejectionRate: 0.55 }), [], T0);
    expect(raised.map((r) => [r.id, r.severity, r.message])).toEqual([
      ['rejectionRate', 'warning', 'Rejection rate 55 % is above 5 % (550 of 1000 messages refused in the interval)'],
    ]);
    const few = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, rejectionRatePct: 5, rejectionRateMinMessages: 20 });
    expect(few.evaluate(sample(T0, { messages: 4, rejectionRate: 0.5 }), [], T0).raised).toEqual([]);
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
    const { raised } = a.evaluate(
      sample(T0),
      [
        { id: 'w-1', ageMs: old },
        { id: 'w-2', ageMs: 1000 },
      ],
      T0,
    );
    expect(raised.map((r) => [r.id, r.workerId, r.severity])).toEqual([['workerAge:w-1', 'w-1', 'warning']]);
    const { cleared } = a.evaluate(
      sample(T0 + 1),
      [
        { id: 'w-2', ageMs: 2000 },
        { id: 'w-3', ageMs: 10 },
      ],
      T0 + 1,
    );
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

  it('error rate at low traffic (1 failed out of 1) does not breach below errorRateMinMessages', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1 }); // errorRateMinMessages 20 by default
    expect(defaults().errorRateMinMessages).toBe(20);
    for (let i = 0; i < 5; i++) {
      expect(a.evaluate(sample(T0 + i, { errorRate: 1, messages: 1 }), [], T0 + i).raised).toEqual([]);
    }
    expect(a.evaluate(sample(T0 + 9, { errorRate: 0.5, messages: 19 }), [], T0 + 9).raised).toEqual([]);
    const { raised } = a.evaluate(sample(T0 + 10, { errorRate: 0.5, messages: 20 }), [], T0 + 10);
    expect(raised.map((r) => r.id)).toEqual(['errorRate']);
    // An active alert is not cleared by a quiet interval that still fails everything it runs...
    expect(a.evaluate(sample(T0 + 11, { errorRate: 1, messages: 2 }), [], T0 + 11).cleared).toEqual([]);
    // ...and clears once nothing fails.
    expect(a.evaluate(sample(T0 + 12, { errorRate: 0, messages: 0 }), [], T0 + 12).cleared.map((c) => c.id)).toEqual(['errorRate']);
  });

  it('an interval with no settled message (rate null: unknown) neither raises, clears nor breaks a streak while work is out; idle clears', () => {
    const a = new AlertEngine(defaults()); // raiseAfterSamples 2
    const idle = { errorRate: null, rejectionRate: null, messages: 0, inFlight: 3 }; // slow messages still out
    const bad = { errorRate: 0.5, rejectionRate: 0.5, messages: 40 };
    expect(a.evaluate(sample(T0, bad), [], T0).raised).toEqual([]);
    expect(a.evaluate(sample(T0 + 1, idle), [], T0 + 1).raised).toEqual([]); // streak kept, not broken
    expect(
      a
        .evaluate(sample(T0 + 2, bad), [], T0 + 2)
        .raised.map((r) => r.id)
        .sort(),
    ).toEqual(['errorRate', 'rejectionRate']);
    // idle while the alerts are up: nothing is known to have improved, so they stay
    expect(a.evaluate(sample(T0 + 3, idle), [], T0 + 3).cleared).toEqual([]);
    expect(a.view().active.map((x) => x.value)).toEqual([50, 50]); // the last figures known, not 0
    const back = a.evaluate(sample(T0 + 4, { errorRate: 0, rejectionRate: 0, messages: 40 }), [], T0 + 4);
    expect(back.cleared.map((c) => c.id).sort()).toEqual(['errorRate', 'rejectionRate']);
    // nothing settled and nothing in flight: the pool is idle, nothing is failing, a raised alert clears
    a.evaluate(sample(T0 + 5, bad), [], T0 + 5);
    expect(a.evaluate(sample(T0 + 6, bad), [], T0 + 6).raised).toHaveLength(2);
    const quiet = a.evaluate(sample(T0 + 7, { ...idle, inFlight: 0 }), [], T0 + 7);
    expect(quiet.cleared.map((c) => c.id).sort()).toEqual(['errorRate', 'rejectionRate']);
  });

  it('errorRateMinMessages is configurable (0 = every interval counts)', () => {
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1, errorRateMinMessages: 0 });
    expect(a.evaluate(sample(T0, { errorRate: 1, messages: 1 }), [], T0).raised.map((r) => r.id)).toEqual(['errorRate']);
    expect(alertThresholdsSchema.safeParse({ errorRateMinMessages: -1 }).success).toBe(false);
    expect(alertThresholdsSchema.safeParse({ errorRateMinMessages: 1.5 }).success).toBe(false);
  });

  it('a latency alert clears once the pool is idle (no messages finished, none in flight)', () => {
    // The pool's latency figures describe the last messages seen and do not age while idle,
    // so after load stops the average stays above the threshold forever.
    const a = new AlertEngine({ ...defaults(), raiseAfterSamples: 1 });
    expect(a.evaluate(sample(T0, { avgLatencyMs: 6000, messages: 30 }), [], T0).raised.map((r) => r.id)).toEqual(['avgResponseTime']);
    // still working on slow messages: keeps the alert
    expect(a.evaluate(sample(T0 + 1, { avgLatencyMs: 6000, messages: 0, inFlight: 3 }), [], T0 + 1).cleared).toEqual([]);
    const { cleared } = a.evaluate(sample(T0 + 2, { avgLatencyMs: 6000, messages: 0, inFlight: 0 }), [], T0 + 2);
    expect(cleared.map((c) => c.id)).toEqual(['avgResponseTime']);
    // and an idle pool with a stale average does not raise it again
    expect(a.evaluate(sample(T0 + 3, { avgLatencyMs: 6000, messages: 0, inFlight: 0 }), [], T0 + 3).raised).toEqual([]);
  });
});
