// Per-host restart and poison rules from host records (the live path, with a real cluster, is in
// main/control/cluster-alerts.test.ts): what counts as a restart this minute, and what does not.
import { describe, expect, it } from 'vitest';
import { alertThresholdsSchema } from '../../../common/schemas';
import type { HostView } from '../../../common/cluster-types';
import { ClusterEventAlerts } from './cluster-alerts';

const T0 = 1_000_000;
const t = { ...alertThresholdsSchema.parse({}), restartsPerMinute: 2 };
const host = (hostId: string, pid: number, restarts: Record<string, number>) =>
  ({ hostId, pid, workers: Object.entries(restarts).map(([id, r]) => ({ id, restarts: r })) }) as unknown as HostView;

describe('ClusterEventAlerts', () => {
  it("counts a host's worker restarts seen in the last minute; a worker's count at first sight and a new process's start are baselines", () => {
    const a = new ClusterEventAlerts();
    a.observeHosts([host('h1', 1, { 'w-1': 7 })], T0); // restarted 7 times before we looked: not this minute's
    expect(a.checks(T0, t)).toEqual([]);
    a.observeHosts([host('h1', 1, { 'w-1': 9 }), host('h2', 5, { 'w-1': 0 })], T0 + 1_000);
    const [c] = a.checks(T0 + 1_000, t);
    expect(c).toMatchObject({ id: 'workerRestarts:h1', hostId: 'h1', value: 2, breach: true });
    a.observeHosts([host('h1', 2, { 'w-1': 1 })], T0 + 2_000); // h1 restarted: its new process's count is a baseline
    expect(a.checks(T0 + 2_000, t)[0]).toMatchObject({ value: 2 });
    expect(a.checks(T0 + 61_500, t)).toEqual([]); // a minute on: nothing left to alert on (the engine clears it)
  });

  it('raises poison for the cluster with the host that gave up, unnamed when the router answered', () => {
    const a = new ClusterEventAlerts();
    a.observePoison(T0, 'h2');
    expect(a.checks(T0, t)[0]).toMatchObject({ id: 'poisonMessage:cluster', hostId: 'h2', value: 1, breach: true });
    a.observePoison(T0 + 1, null);
    const [c] = a.checks(T0 + 1, t);
    expect(c).toMatchObject({ value: 2 });
    expect(c!.message).toContain('last tried on host h2');
  });
});
