// The recommendation and the report's charts from measured figures (pure: no pools).
import { describe, expect, it } from 'vitest';
import type { Experiment, TuningStep } from '../../../common/contract';
import { defaultConfig } from '../../../common/schemas';
import { capacityChart, tuningChart } from '../../../common/tuning-series';
import { niceTicks, sig3, TUNING_COLORS } from '../../../common/tuning-style';
import { recommend } from './recommend';
import { replaySchedule } from './replay';
import { experimentCsv, experimentHtml } from './report';

type Over = Partial<TuningStep>;
let next = 0;
const run = (group: number, workers: number, p99Ms: number, over: Over = {}): TuningStep => ({
  index: next++,
  group,
  round: 0,
  target: 300,
  settings: { workers },
  baseline: false,
  status: 'done',
  throughput: 300,
  offered: 300,
  p50Ms: p99Ms / 3,
  p95Ms: p99Ms / 1.5,
  p99Ms,
  errorRate: 0,
  rejectionRate: 0,
  messages: 300,
  answered: 300,
  backlogGrowth: 0,
  keptUp: true,
  rssBytes: 30e6 * workers,
  loopLagMs: 1,
  ...over,
});

const experiment = (steps: TuningStep[], over: Partial<Experiment['spec']> = {}): Experiment => {
  next = 0;
  steps.forEach((s, i) => (s.index = i));
  return {
    id: 'e1',
    name: 'workers',
    createdAt: 0,
    status: 'done',
    spec: {
      vary: [{ setting: 'workers', values: [...new Set(steps.filter((s) => !s.baseline).map((s) => s.settings.workers!))] }],
      load: { rate: 300, sleepMs: 0, cpuMs: 0, failureRate: 0, payloadBytes: 0, replay: false, replayMultiple: 1 },
      warmupMs: 0,
      measureMs: 1000,
      rounds: 2,
      mode: 'fixed',
      ...over,
    },
    current: { workers: 2 },
    steps,
  };
};

const config = defaultConfig(); // maxWorkers 10

describe('recommend', () => {
  it('at a rate every step carries, picks the clearly lower p99, not today', () => {
    const exp = experiment(
      [run(0, 2, 349, { baseline: true }), run(1, 3, 70), run(0, 2, 330, { baseline: true, round: 1 }), run(1, 3, 75, { round: 1 })],
      { vary: [{ setting: 'workers', values: [2, 3] }] },
    );
    const r = recommend(exp, config);
    expect(r.recommendation.patch).toEqual({ pool: { minWorkers: 3, maxWorkers: 10 } });
    expect(r.recommendation.reason).toBe(
      '3 workers: keeps up at 300 msg/s with the lowest p99, 72.5 ms (70–75 over 2 rounds). Today (2 workers): p99 340 ms (330–349 over 2 rounds).',
    );
  });

  it('prefers the cheaper setting when p99s are within noise', () => {
    const exp = experiment(
      [run(0, 2, 50, { baseline: true }), run(1, 4, 48), run(0, 2, 46, { baseline: true, round: 1 }), run(1, 4, 52, { round: 1 })],
      { vary: [{ setting: 'workers', values: [2, 4] }] },
    );
    const r = recommend(exp, config);
    expect(r.recommendation.patch).toEqual({ pool: {} });
    expect(r.recommendation.reason).toMatch(/^Keep today's settings \(2 workers\).*1 other within noise/);
  });

  it('never recommends a step that did not keep up, and says when the load is beyond every step', () => {
    const behind = { keptUp: false, behind: 'answered 250 of 300 msg/s', throughput: 250 };
    const exp = experiment([run(0, 1, 10, behind), run(1, 2, 900, { ...behind, throughput: 280 })], {
      vary: [{ setting: 'workers', values: [1, 2] }],
      rounds: 1,
    });
    const r = recommend(exp, config);
    expect(r.recommendation.reason).toMatch(
      /^The load \(300 msg\/s\) is beyond every step: none kept up\. The highest sustained: 2 workers, 280 msg\/s/,
    );
  });

  it('a best value at the edge of the range proposes the next values', () => {
    const exp = experiment([run(0, 1, 90), run(1, 2, 60), run(2, 4, 20)], { vary: [{ setting: 'workers', values: [1, 2, 4] }], rounds: 1 });
    expect(recommend(exp, config).recommendation.hint).toBe('4 is the largest workers tried; the best may lie beyond: try 8, 16.');
    const even = experiment([run(0, 1, 90), run(1, 2, 60), run(2, 3, 20)], { vary: [{ setting: 'workers', values: [1, 2, 3] }], rounds: 1 });
    expect(recommend(even, config).recommendation.hint).toBe('3 is the largest workers tried; the best may lie beyond: try 4, 5.');
  });

  it('capacity mode: the setting sustaining the highest rate within the budget', () => {
    const c = (group: number, workers: number, target: number, p99Ms: number, keptUp = true) =>
      run(group, workers, p99Ms, { target, keptUp, baseline: group === 0 });
    const exp = experiment([c(0, 1, 100, 20), c(1, 2, 100, 15), c(0, 1, 150, 80), c(1, 2, 150, 25), c(1, 2, 225, 30, false)], {
      vary: [{ setting: 'workers', values: [1, 2] }],
      mode: 'capacity',
      rounds: 1,
      p99BudgetMs: 50,
      capacity: { factor: 1.5, levels: 3 },
    });
    exp.current = { workers: 1 };
    const r = recommend(exp, config);
    expect(r.sustained).toEqual([
      { group: 0, rate: 100 },
      { group: 1, rate: 150 },
    ]);
    expect(r.recommendation.reason).toMatch(/^2 workers: sustains 150 msg\/s within p99 50 ms/);
    Object.assign(exp, r);
    const chart = capacityChart(exp);
    expect(chart.rows.map((row) => row.x)).toEqual(['100', '150', '225']);
    expect(chart.series.map((s) => s.label)).toEqual(['1 workers (today)', '2 workers']);
  });
});

describe('numbers and charts', () => {
  it('rounds to 3 significant digits and ticks on round values', () => {
    expect(sig3(198.25885481094923)).toBe('198');
    expect(sig3(0.0123456)).toBe('0.0123');
    expect(sig3(12345)).toBe('12,300');
    expect(niceTicks(349)).toEqual([0, 100, 200, 300, 400]);
    expect(niceTicks(263)).toEqual([0, 100, 200, 300]); // not 88/175/263
    expect(niceTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it('the HTML report names every series in a legend, in the shared colours, with nothing written over the plot', () => {
    const two = (group: number, workers: number, c: number, p99: number, baseline = false) => ({
      ...run(group, workers, p99, { baseline }),
      settings: { workers, concurrencyPerWorker: c },
    });
    const exp: Experiment = {
      ...experiment([]),
      spec: {
        ...experiment([]).spec,
        vary: [
          { setting: 'workers', values: [1, 2, 3] },
          { setting: 'concurrencyPerWorker', values: [2, 8, 32] },
        ],
      },
      current: { workers: 2, concurrencyPerWorker: 100 },
      steps: [two(0, 2, 100, 349, true), two(1, 1, 2, 900), two(2, 1, 8, 80), two(3, 2, 8, 60), two(4, 3, 8, 40), two(5, 3, 32, 30)],
    };
    exp.steps.forEach((s, i) => (s.index = i));
    Object.assign(exp, recommend(exp, config));
    const chart = tuningChart(exp, 'p99Ms');
    expect(chart.series.map((s) => [s.label, s.color])).toEqual([
      ['2 per worker', TUNING_COLORS[0]],
      ['8 per worker', TUNING_COLORS[1]],
      ['32 per worker', TUNING_COLORS[2]],
      ['today', expect.any(String)],
    ]);
    const html = experimentHtml(exp, 0);
    for (const label of ['2 per worker', '8 per worker', '32 per worker', 'today', 'recommended'])
      expect(html).toMatch(new RegExp(`class="legend"[^>]*>${label}</text>`));
    expect(html).not.toMatch(/>knee</);
    expect(html).toContain(`stroke="${TUNING_COLORS[1]}"`);
    expect(experimentCsv(exp).trim().split('\n')).toHaveLength(7);
  });

  it('escapes the experiment name in the HTML report', () => {
    const exp = { ...experiment([run(0, 2, 10, { baseline: true })]), name: '<img src=x onerror=alert(1)>' };
    expect(experimentHtml(exp, 0)).not.toContain('<img');
  });
});

describe('replay schedule', () => {
  it('offers the given rate in every quarter second, keeping a recorded burst a burst', () => {
    // 40 at once, a 1.5 s pause, 40 at once: the raw gaps would offer 0 or 40 at a time
    const records = [...Array.from({ length: 40 }, () => 0), ...Array.from({ length: 40 }, () => 1500)].map((t) => ({
      t,
      bytes: 10,
      runMs: 1,
      outcome: 'ok' as const,
    }));
    const { at, period } = replaySchedule(records, 40);
    expect(period).toBe(2000);
    for (let w = 0; w < 2000; w += 250) expect(at.filter((t) => t >= w && t < w + 250)).toHaveLength(10);
  });
});
