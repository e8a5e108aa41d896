// /metrics as outside tools read it: Prometheus naming (counters `_total`,
// start timestamps, sum/count, one state-labelled worker gauge), Node's
// default metrics, and `promtool check metrics` silent on the real output.
// A real headless server with real Python workers.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findPromtool } from '../../scripts/promtool.mjs';
import type { ControlPlane } from '../control/index';
import { WORKER_STATES } from './metrics';
import { TOKEN, post, startHeadless } from './test-helpers';

let cp: ControlPlane;
let base: string;
let cleanup: () => Promise<void>;
let text = '';

const scrape = async () => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
const value = (re: RegExp) => Number(re.exec(text)?.[1]);
const typeOf = (name: string) => new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];

beforeAll(async () => {
  ({ cp, base, cleanup } = await startHeadless());
  for (let i = 0; i < 4; i++) expect((await post(base, 'submitTask', { data: { i, sleep_ms: 5 } })).status).toBe(200);
  // the per-worker run-time summary is fed by the sampler (every 200 ms here): wait for a sample that saw the tasks
  await vi.waitFor(
    async () => {
      text = await scrape();
      const counted = [...text.matchAll(/^greenlet_worker_task_runtime_seconds_count\{worker="[^"]+"\} (\S+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      if (counted < 4) throw new Error(`sampler has counted ${counted} of 4 tasks`);
    },
    { timeout: 10_000, interval: 200 },
  );
}, 60_000);

afterAll(() => cleanup?.(), 60_000);

describe('/metrics naming', () => {
  it('exports per-worker totals as counters named _total, and no gauge of the old names', () => {
    expect(typeOf('greenlet_worker_messages_processed_total')).toBe('counter');
    expect(typeOf('greenlet_worker_restarts_total')).toBe('counter');
    expect(value(/^greenlet_worker_messages_processed_total\{worker="[^"]+"\} (\S+)$/m)).toBeGreaterThanOrEqual(0);
    for (const old of [
      'greenlet_worker_messages_processed',
      'greenlet_worker_restarts',
      'greenlet_worker_age_seconds',
      'greenlet_worker_avg_latency_seconds',
    ]) {
      expect(typeOf(old), old).toBeUndefined();
    }
  });

  it('exports when each worker started, not its age', () => {
    expect(typeOf('greenlet_worker_start_time_seconds')).toBe('gauge');
    const started = value(/^greenlet_worker_start_time_seconds\{worker="[^"]+"\} (\S+)$/m);
    expect(started).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(started).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('exports run time as sum and count per worker instead of an average', () => {
    expect(typeOf('greenlet_worker_task_runtime_seconds')).toBe('summary');
    const sum = value(/^greenlet_worker_task_runtime_seconds_sum\{worker="[^"]+"\} (\S+)$/m);
    expect(sum).toBeGreaterThan(0);
    expect(text).not.toMatch(/quantile=/);
  });

  it('counts workers in one greenlet_pool_workers{state} whose states add up to the pool', async () => {
    expect(typeOf('greenlet_pool_workers')).toBe('gauge');
    const states = [...text.matchAll(/^greenlet_pool_workers\{state="([^"]+)"\} (\S+)$/gm)];
    expect(states.map((m) => m[1]).sort()).toEqual([...WORKER_STATES].sort());
    const total = states.reduce((a, m) => a + Number(m[2]), 0);
    expect(total).toBe((await cp.handlers.getStats({})).total);
    for (const old of ['available', 'busy', 'healthy', 'starting']) expect(typeOf(`greenlet_pool_workers_${old}`)).toBeUndefined();
  });

  it("includes Node's default process_* and nodejs_* metrics", () => {
    expect(typeOf('process_cpu_user_seconds_total')).toBe('counter');
    expect(typeOf('process_start_time_seconds')).toBe('gauge');
    expect(typeOf('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(typeOf('nodejs_heap_size_used_bytes')).toBe('gauge');
  });
});

describe('promtool check metrics', () => {
  const promtool = findPromtool();
  if (!promtool) console.log('[metrics] promtool check skipped: promtool not found (npm test unpacks it where apt exists; or set PROMTOOL_PATH)');

  it.skipIf(!promtool)('is silent on the real /metrics output', async () => {
    const out = execFileSync(promtool!, ['check', 'metrics'], { input: await scrape(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(out.trim()).toBe('');
  });
});
