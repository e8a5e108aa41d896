// The recommendation and the report's charts from measured figures (pure: no pools).
import { describe, expect, it } from 'vitest';
import type { Experiment, TuningStep } from '../../../common/contract';
import { defaultConfig } from '../../../common/schemas';
import { tuningChart } from '../../../common/tuning-series';
import { recommend } from './recommend';
import { experimentCsv, experimentHtml } from './report';

const step = (index: number, workers: number, throughput: number, p99Ms: number, over: Partial<TuningStep> = {}): TuningStep => ({
  index,
  settings: { workers },
  baseline: false,
  status: 'done',
  throughput,
  offered: throughput,
  p50Ms: p99Ms / 3,
  p95Ms: p99Ms / 1.5,
  p99Ms,
  errorRate: 0,
  rejectionRate: 0,
  messages: 1000,
  rssBytes: 30e6 * workers,
  loopLagMs: 1,
  ...over,
});

const experiment = (steps: TuningStep[], p99BudgetMs?: number): Experiment => ({
  id: 'e1',
  name: 'workers',
  createdAt: 0,
  status: 'done',
  spec: { vary: [{ setting: 'workers', values: steps.filter((s) => !s.baseline || s.index > 0).map((s) => s.settings.workers!) }], load: { rate: 1000, sleepMs: 0, cpuMs: 0, failureRate: 0, payloadBytes: 0, replay: false }, warmupMs: 0, measureMs: 1000, p99BudgetMs },
  current: { workers: 2 },
  steps,
});

const config = defaultConfig(); // maxWorkers 10

describe('recommend', () => {
  it('picks the knee: the fewest workers within 5 % of the best throughput inside the p99 budget', () => {
    const exp = experiment([step(0, 2, 1000, 10, { baseline: true }), step(1, 4, 1900, 10.5), step(2, 8, 2000, 10.8), step(3, 16, 2100, 40)]);
    const r = recommend(exp, config);
    // 16 workers is fastest but blows the budget (10 × 1.1 + 1 = 12 ms); 4 is within 5 % of 8's 2000
    expect(r.p99BudgetMs).toBeCloseTo(12);
    expect(r.kneeStep).toBe(1);
    expect(r.recommendation.patch).toEqual({ pool: { minWorkers: 4, maxWorkers: 10 } });
    expect(r.recommendation.reason).toBe("4 workers: 1.9× today's throughput (1,900 vs 1,000 msg/s) at p99 10.5 ms (today 10.0 ms).");
  });

  it('keeps today when nothing does 5 % better, and says so without a patch', () => {
    const r = recommend(experiment([step(0, 2, 1000, 10, { baseline: true }), step(1, 4, 1020, 10)]), config);
    expect(r.recommendation.patch).toEqual({ pool: {} });
    expect(r.recommendation.reason).toMatch(/^Keep today's settings \(2 workers\)/);
  });

  it('does not recommend a step that fails more than today', () => {
    const r = recommend(experiment([step(0, 2, 1000, 10, { baseline: true }), step(1, 4, 3000, 10, { rejectionRate: 0.2 })]), config);
    expect(r.recommendation.patch).toEqual({ pool: {} });
  });

  it('recommends nothing, with the reason, when no step meets an explicit budget', () => {
    const r = recommend(experiment([step(0, 2, 1000, 10, { baseline: true }), step(1, 4, 2000, 9)], 5), config);
    expect(r.recommendation.step).toBeNull();
    expect(r.recommendation.reason).toMatch(/No step kept p99 within 5.0 ms/);
  });
});

describe('report', () => {
  it('draws throughput against the setting with today and the knee marked, and a row per step in CSV', () => {
    const exp = experiment([step(0, 2, 1000, 10, { baseline: true }), step(1, 4, 1900, 10.5), step(2, 8, 2000, 10.8)]);
    Object.assign(exp, recommend(exp, config));
    const chart = tuningChart(exp, 'throughput');
    expect(chart.rows.map((r) => [r.x, r.s0])).toEqual([['2', 1000], ['4', 1900], ['8', 2000]]);
    expect(chart.current).toBe('2');
    expect(chart.knee).toEqual({ x: '4', key: 's0' });
    const html = experimentHtml(exp, 0);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<circle class="knee"/g)).toHaveLength(2);
    expect(html.match(/<line class="current"/g)).toHaveLength(2);
    expect(experimentCsv(exp).trim().split('\n')).toHaveLength(4);
  });

  it('draws one line per value of a second setting, and today apart when it is outside the grid', () => {
    const two = (index: number, workers: number, c: number, tp: number, baseline = false): TuningStep => ({ ...step(index, workers, tp, 10, { baseline }), settings: { workers, concurrencyPerWorker: c } });
    const exp: Experiment = {
      ...experiment([]),
      spec: { ...experiment([]).spec, vary: [{ setting: 'workers', values: [1, 4] }, { setting: 'concurrencyPerWorker', values: [10, 50] }] },
      current: { workers: 2, concurrencyPerWorker: 100 },
      steps: [two(0, 2, 100, 900, true), two(1, 1, 10, 300), two(2, 1, 50, 600), two(3, 4, 10, 1200), two(4, 4, 50, 2000)],
    };
    const chart = tuningChart(exp, 'throughput');
    expect(chart.series.map((s) => s.label)).toEqual(['10 per worker', '50 per worker', 'today']);
    expect(chart.rows).toEqual([
      { x: '1', s0: 300, s1: 600, today: null },
      { x: '2', s0: null, s1: null, today: 900 },
      { x: '4', s0: 1200, s1: 2000, today: null },
    ]);
    const r = recommend(exp, config);
    expect(r.recommendation.patch).toEqual({ pool: { minWorkers: 4, maxWorkers: 10, concurrencyPerWorker: 50 } });
    expect(r.recommendation.reason).toMatch(/^4 workers × 50 per worker: 2\.2× today's throughput/);
  });

  it('escapes the experiment name in the HTML report', () => {
    const exp = { ...experiment([step(0, 2, 1000, 10, { baseline: true })]), name: '<img src=x onerror=alert(1)>' };
    expect(experimentHtml(exp, 0)).not.toContain('<img');
  });
});
