// @vitest-environment jsdom
// Every entry of the chart table is drawn, under its title and unit, with the
// threshold lines its entry gives: the view has no list of its own to forget one in.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { CHART_TABLE } from '../lib/charts';
import { makeSamples } from '../../../common/test-support/samples';
import { thresholdLines } from '../lib/thresholds';
import { useAlerts } from '../state/alerts';
import { useMetrics } from '../state/metrics';
import { useStats } from '../state/stats';
import { ChartsView, pointBudget } from './ChartsView';

afterEach(cleanup);

describe('ChartsView', () => {
  it('renders every chart table entry with its title, unit, series and thresholds', () => {
    const th = defaultConfig().alerts;
    const ctx = { queueCapacity: 100, totalWorkers: 2 };
    useMetrics.setState({ history: makeSamples(20), live: [], rangeMs: 3_600_000, loadHistory: async () => {} });
    useAlerts.setState({ thresholds: th });
    useStats.setState({ stats: { queueCapacity: ctx.queueCapacity, total: ctx.totalWorkers } as never });
    render(<ChartsView />);

    const figures = screen.getAllByRole('figure');
    expect(figures.map((f) => f.dataset.testid)).toEqual(CHART_TABLE.map((c) => `chart-${c.id}`));
    let linesSeen = 0;
    for (const c of CHART_TABLE) {
      const fig = screen.getByTestId(`chart-${c.id}`);
      expect(fig.getAttribute('aria-label')).toBe(c.title);
      expect(within(fig).getByRole('heading').textContent).toBe(`${c.title} (${c.unit})`);
      if (c.series !== 'perWorkerRss') for (const s of c.series) expect(within(fig).getByRole('button', { name: s.label })).toBeTruthy();
      for (const l of thresholdLines(c.id, th, ctx)) {
        expect(within(fig).getByTestId(`threshold-${l.kind}`).dataset.y).toBe(String(l.y));
        linesSeen++;
      }
    }
    // latency, error rate, rejection rate, queue fill and available workers
    expect(linesSeen).toBe(5);
  });
});

describe('pointBudget', () => {
  it('draws about one point per pixel of a chart plot, none before layout', () => {
    expect(pointBudget(0)).toBe(0);
    expect(pointBudget(1200)).toBe(500); // two charts a row: (1200 - 12) / 2 - 94 = 500
    expect(pointBudget(900)).toBe(850); // one chart a row: 900 - 94 = 806, rounded up to 50
    expect(pointBudget(400)).toBe(350);
    expect(pointBudget(3000)).toBe(400); // six charts a row, each narrower
  });
});
