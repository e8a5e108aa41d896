// Restart backoff (PM2 exp backoff): pure, no workers.
import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy';

describe('restart policy (PM2 exp backoff)', () => {
  it('replaces a worker that ran fine at once, then backs off from 100 ms ×1.5 up to 15 s', () => {
    const p = new RestartPolicy();
    const delays = Array.from({ length: 15 }, () => p.onFailure(5_000).delayMs);
    expect(delays.slice(0, 5)).toEqual([0, 100, 150, 225, 338]);
    expect(Math.max(...delays)).toBe(15_000);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
  });

  it('never restarts a worker that failed to start, or died within minUptime, at once: 100 ms ×1.5', () => {
    const p = new RestartPolicy();
    expect([p.onFailure(null), p.onFailure(null), p.onFailure(null)].map((d) => d.delayMs)).toEqual([100, 150, 225]);
    const q = new RestartPolicy();
    expect([q.onFailure(500), q.onFailure(5_000)].map((d) => d.delayMs)).toEqual([100, 150]);
  });

  it('forgets the history after 30 s of stable uptime', () => {
    const p = new RestartPolicy();
    p.onFailure(5_000);
    p.onFailure(5_000);
    p.onFailure(5_000);
    expect(p.onFailure(31_000).delayMs).toBe(0); // a fresh run of failures, from a worker that ran fine
    expect(p.onFailure(5_000).delayMs).toBe(100);
  });

  it('flags a crash loop after 5 unstable failures and then waits the cap', () => {
    const p = new RestartPolicy();
    const d = Array.from({ length: 5 }, () => p.onFailure(null));
    expect(d.slice(0, 4).every((x) => !x.crashLoop)).toBe(true);
    expect(d[4]).toMatchObject({ crashLoop: true, delayMs: 15_000 });
  });

  it('a stable run between crashes is not a loop', () => {
    const p = new RestartPolicy();
    for (let i = 0; i < 10; i++) expect(p.onFailure(2_000).crashLoop).toBe(false);
  });
});
