// Strategies: pickers on slot state, then every strategy on a real pool, and a live switch.
import { describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../options';
import { installCleanup, makePool, msg } from '../test-support/pool-test-helpers';
import { createPicker } from './strategies';
import { STRATEGIES, type TaskOutcome } from '../types';
import { WorkerSlot } from '../worker/worker-slot';

installCleanup();

function slots(inFlight: number[], capacity = 4): WorkerSlot[] {
  const o = resolveOptions({ concurrencyPerWorker: capacity });
  return inFlight.map((n, i) => {
    const s = new WorkerSlot(`w-${i + 1}`, o);
    s.state = 'ready';
    s.inFlight = n;
    return s;
  });
}

describe('pickers', () => {
  it.each(STRATEGIES)('%s never picks a full, unhealthy, retiring or starting worker', (name) => {
    const ss = slots([4, 0, 0, 0, 1]);
    ss[1]!.healthy = false;
    ss[2]!.retiring = true;
    ss[3]!.state = 'starting';
    const p = createPicker(name);
    for (let i = 0; i < 50; i++) expect(p.pick(ss)?.id).toBe('w-5');
  });

  it.each(STRATEGIES)('%s returns null when no worker has capacity', (name) => {
    expect(createPicker(name).pick(slots([4, 4]))).toBeNull();
  });

  it('least-busy picks the worker with the fewest in flight', () => {
    expect(createPicker('least-busy').pick(slots([3, 1, 2]))?.id).toBe('w-2');
  });

  it('round-robin cycles through workers in order', () => {
    const ss = slots([0, 0, 0]);
    const p = createPicker('round-robin');
    expect([1, 2, 3, 4].map(() => p.pick(ss)!.id)).toEqual(['w-1', 'w-2', 'w-3', 'w-1']);
  });

  it('p2c-ewma compares a fresh (unmeasured) worker on in-flight, not as free', () => {
    const ss = slots([3, 0], 10);
    ss[0]!.ewmaMs = 5; // measured, 3 in flight
    const p = createPicker('p2c-ewma');
    expect(p.pick(ss)!.id).toBe('w-2'); // fewer in flight wins
    ss[1]!.inFlight = 6; // the fresh one is now busier: it must not look free
    for (let i = 0; i < 20; i++) expect(p.pick(ss)!.id).toBe('w-1');
  });

  it('p2c-ewma prefers the worker with the lower expected wait', () => {
    const ss = slots([1, 1], 10);
    ss[0]!.ewmaMs = 50;
    ss[1]!.ewmaMs = 1;
    const p = createPicker('p2c-ewma');
    for (let i = 0; i < 20; i++) expect(p.pick(ss)!.id).toBe('w-2');
  });

  it('p2c-ewma steers away from a busy worker that has stopped making progress (blocked hub)', () => {
    const ss = slots([1, 3], 10);
    const now = 10_000; // a fixed clock: early in a process performance.now() can be < 500
    const clock = vi.spyOn(performance, 'now').mockReturnValue(now);
    ss[0]!.ewmaMs = ss[1]!.ewmaMs = 2;
    ss[0]!.lastProgressAt = now - 500; // one message, no reply for 500 ms: its hub is held
    ss[1]!.lastProgressAt = now - 1; // more in flight, but replying
    const p = createPicker('p2c-ewma');
    for (let i = 0; i < 20; i++) expect(p.pick(ss)!.id).toBe('w-2');
    expect(createPicker('least-busy').pick(ss)!.id).toBe('w-1'); // in-flight alone cannot tell
    clock.mockRestore();
  });

  it('p2c-ewma samples two workers in a large pool and still never picks a full one', () => {
    const ss = slots(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 10 : 0)),
      10,
    ); // 10 routable: sampled
    const p = createPicker('p2c-ewma');
    const picked = new Set(Array.from({ length: 200 }, () => p.pick(ss)!.id));
    expect([...picked].every((id) => Number(id.slice(2)) % 2 === 0)).toBe(true);
    expect(picked.size).toBeGreaterThan(1);
  });
});

describe('strategies on a real pool', () => {
  it.each(STRATEGIES)('%s distributes work over every worker and completes all of it', async (name) => {
    const { pool } = makePool({ minWorkers: 3, maxWorkers: 3, loadBalancingStrategy: name, concurrencyPerWorker: 4 });
    await pool.start();
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => pool.executeWithInfo(msg({ i, sleep_ms: 5 }))));
    expect(outcomes.map((o) => (o.result as { i: number }).i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const perWorker = new Map<string, number>();
    for (const o of outcomes) perWorker.set(o.workerId, (perWorker.get(o.workerId) ?? 0) + 1);
    expect(perWorker.size).toBe(3);
    expect(pool.getStats()).toMatchObject({ strategy: name, totalMessagesProcessed: 60, inFlight: 0 });
  });

  it('round-robin alternates strictly on sequential messages', async () => {
    const { pool } = makePool({ loadBalancingStrategy: 'round-robin' });
    await pool.start();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await pool.executeWithInfo(msg(i))).workerId);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids).toEqual([ids[0], ids[1], ids[0], ids[1], ids[0], ids[1]]);
  });

  it('a strategy change takes effect live while work is running', async () => {
    const { pool, events } = makePool({ loadBalancingStrategy: 'round-robin', concurrencyPerWorker: 2, messageQueueSize: 200 });
    await pool.start();
    const first = Array.from({ length: 40 }, (_, i) => pool.executeWithInfo(msg({ i, sleep_ms: 2 })));
    const change = pool.updateConfig({ loadBalancingStrategy: 'least-busy' });
    expect(change).toMatchObject({ applied: ['loadBalancingStrategy'], restartRequired: [] });
    expect(pool.getStats().strategy).toBe('least-busy');
    const second = Array.from({ length: 40 }, (_, i) => pool.executeWithInfo(msg({ i: 40 + i, sleep_ms: 2 })));
    const all: TaskOutcome[] = await Promise.all([...first, ...second]);
    expect(all).toHaveLength(80);
    expect(new Set(all.map((o) => o.workerId)).size).toBe(2);
    expect(events.some((e) => e.type === 'pool.config')).toBe(true);
  });
});
