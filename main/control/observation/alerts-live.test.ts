// Alert behaviour at low traffic and after load stops, with a real pool of
// real Python workers (the echo demo agent) and the real sampler.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert, MetricsSample } from '../../../common/contract';
import type { ControlPlane } from '../index';
import { createPlane, tempDir } from '../test-support/plane';
import { waitFor } from '../../../common/test-support/wait';

let dir: string;
let cp: ControlPlane;

beforeAll(async () => {
  dir = await tempDir();
  cp = await createPlane(dir); // sampling every 200 ms
}, 30_000);
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it('a few failing messages per interval do not raise the error-rate alert until errorRateMinMessages allows it', async () => {
  const samples: MetricsSample[] = [];
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  const offs = [
    cp.on('metrics.sample', (s) => samples.push(s)),
    cp.on('alert.raised', (a) => raised.push(a)),
    cp.on('alert.cleared', (a) => cleared.push(a)),
  ];
  try {
    await cp.handlers.updateConfig({ patch: { alerts: { raiseAfterSamples: 1, errorRatePct: 10 } } });
    expect(cp.getConfig().alerts.errorRateMinMessages).toBe(20);
    // every message fails, ~2 per 200 ms interval: 100 % error rate on a handful of messages
    await cp.handlers.startLoad({ rate: 10, count: 0, sleepMs: 0, failureRate: 1, payloadBytes: 0 });
    await waitFor(() => samples.filter((s) => s.errorRate === 1 && (s.messages ?? 0) > 0).length >= 5, '5 all-failing samples', 15_000);
    expect(raised.filter((a) => a.kind === 'errorRate')).toEqual([]);

    await cp.handlers.updateConfig({ patch: { alerts: { errorRateMinMessages: 1 } } });
    const alert = await waitFor(() => raised.find((a) => a.kind === 'errorRate'), 'errorRate alert', 15_000);
    expect(alert.value).toBe(100);

    await cp.handlers.stopLoad({});
    await waitFor(() => cleared.find((a) => a.kind === 'errorRate'), 'errorRate alert to clear once traffic stops', 15_000);
    // the idle intervals that cleared it have no error rate (unknown), not a 0 % that would read as "all answered"
    const idle = samples.filter((s) => s.messages === 0);
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.every((s) => s.errorRate === null && s.rejectionRate === null)).toBe(true);
  } finally {
    await cp.handlers.stopLoad({});
    offs.forEach((off) => off());
  }
}, 60_000);

it('a latency alert raised under load clears once the load stops and the pool is idle', async () => {
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  const offs = [cp.on('alert.raised', (a) => raised.push(a)), cp.on('alert.cleared', (a) => cleared.push(a))];
  try {
    await cp.handlers.updateConfig({ patch: { alerts: { avgResponseTimeMs: 5, raiseAfterSamples: 1 } } });
    await cp.handlers.startLoad({ rate: 50, count: 0, sleepMs: 30, failureRate: 0, payloadBytes: 0 });
    await waitFor(() => raised.find((a) => a.kind === 'avgResponseTime'), 'avgResponseTime alert', 15_000);
    await cp.handlers.stopLoad({});
    // The pool's average latency keeps describing the last messages while idle (it stays above 5 ms);
    // the alert must still clear instead of lingering until the next message.
    await waitFor(() => cleared.find((a) => a.kind === 'avgResponseTime'), 'avgResponseTime alert to clear after load stops', 15_000);
    expect((await cp.handlers.getStats({})).averageResponseTime).toBeGreaterThan(5);
    expect((await cp.handlers.getAlerts({})).active.some((a) => a.kind === 'avgResponseTime')).toBe(false);
  } finally {
    await cp.handlers.stopLoad({});
    offs.forEach((off) => off());
  }
}, 60_000);
