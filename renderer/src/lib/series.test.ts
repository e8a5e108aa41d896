// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { appendLive, buildCharts, MAX_RSS_WORKERS, mergeSamples } from './series';
import { makeSamples } from '../../../common/test-support/samples';

describe('buildCharts', () => {
  it("hands out frozen rows (recharts' Immer store then skips walking them), live tail included", () => {
    const base = buildCharts(makeSamples(50), 1000);
    const charts = appendLive(base, makeSamples(3, 1_700_000_050_000), 10);
    for (const c of Object.values(charts)) {
      expect(Object.isFrozen(c.rows)).toBe(true);
      expect(c.rows.every((r) => Object.isFrozen(r))).toBe(true);
    }
  });

  it('downsamples 24 h of 1 s samples to about 1,000 points per series', () => {
    const charts = buildCharts(makeSamples(86_400), 1000);
    expect(charts.throughput.rows.length).toBe(1000);
    // three series share one row set: each line still draws about 1,000 points
    expect(charts.latency.rows.length).toBeGreaterThanOrEqual(900);
    expect(charts.latency.rows.length).toBeLessThanOrEqual(1100);
    expect(charts.rss.rows.length).toBeGreaterThanOrEqual(900);
    expect(charts.rss.rows.length).toBeLessThanOrEqual(1100);
    expect(charts.latency.series.map((s) => s.key)).toEqual(['avg', 'p95', 'p99']);
  });

  it('draws an idle stretch as a gap (null points), not the last latency held', () => {
    const samples = makeSamples(10).map((s, i) =>
      i >= 4 && i < 8 ? { ...s, avgLatencyMs: null, p95LatencyMs: null, p99LatencyMs: null, throughput: 0 } : s,
    );
    const rows = buildCharts(samples).latency.rows;
    expect(rows).toHaveLength(10);
    expect(rows.slice(4, 8).every((r) => r.avg === null && r.p95 === null && r.p99 === null)).toBe(true);
    expect(rows[3]!.avg).toBeGreaterThan(0);
    expect(rows[8]!.avg).toBeGreaterThan(0);
  });

  it("draws an idle stretch's error and rejection rates as a gap (unknown), not 0 %", () => {
    const samples = makeSamples(6).map((s, i) =>
      i >= 2 && i < 4 ? { ...s, messages: 0, errorRate: null, rejectionRate: null, throughput: 0 } : { ...s, rejectionRate: 0.1 },
    );
    const charts = buildCharts(samples);
    expect(charts.errorRate.rows.map((r) => r.errorPct === null)).toEqual([false, false, true, true, false, false]);
    expect(charts.rejections.rows.map((r) => r.rejectedPct === null)).toEqual([false, false, true, true, false, false]);
  });

  it('draws rejections as a series of their own, in %, apart from the error rate', () => {
    const samples = makeSamples(5).map((s, i) => ({ ...s, rejectionRate: i === 2 ? 0.55 : 0 }));
    const charts = buildCharts(samples);
    expect(charts.rejections.series.map((s) => s.key)).toEqual(['rejectedPct']);
    expect(charts.rejections.rows.map((r) => Math.round(r.rejectedPct ?? -1))).toEqual([0, 0, 55, 0, 0]);
    expect(charts.errorRate.rows.map((r) => r.errorPct)).not.toContain(55);
  });

  it('keeps short ranges whole and converts units (error rate in %, RSS in MB)', () => {
    const samples = makeSamples(10);
    const charts = buildCharts(samples);
    expect(charts.errorRate.rows).toHaveLength(10);
    expect(charts.errorRate.rows[0]!.errorPct).toBeCloseTo(20);
    expect(charts.rss.series.map((s) => s.label)).toEqual(['w-1', 'w-2']);
    expect(charts.rss.rows[0]!.rss0).toBeCloseTo(30);
  });

  it('draws a replaced worker only while it lived (nulls elsewhere)', () => {
    const a = makeSamples(5, 0, 1000, ['w-1']);
    const b = makeSamples(5, 5000, 1000, ['w-2']);
    const rss = buildCharts([...a, ...b]).rss;
    const k1 = rss.series.find((s) => s.label === 'w-1')!.key;
    expect(rss.rows[0]![k1]).not.toBeNull();
    expect(rss.rows[9]![k1]).toBeNull();
  });

  it('never draws an unmeasured RSS (0) as a drop to zero', () => {
    const samples = makeSamples(4, 0, 1000, ['w-1']);
    samples[1]!.workers[0]!.rssBytes = 0;
    const rss = buildCharts(samples).rss;
    expect(rss.rows.some((r) => r.rss0 === 0)).toBe(false);
    expect(rss.rows.filter((r) => typeof r.rss0 === 'number')).toHaveLength(3);
  });

  it('limits RSS lines to the most recently seen workers', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `w-${String(i).padStart(2, '0')}`);
    const samples = ids.flatMap((id, k) => makeSamples(2, k * 10_000, 1000, [id]));
    const rss = buildCharts(samples).rss;
    expect(rss.series).toHaveLength(MAX_RSS_WORKERS);
    expect(rss.series.map((s) => s.label)).not.toContain('w-00');
    expect(rss.series.map((s) => s.label)).toContain('w-11');
  });

  it('returns empty series for no samples', () => {
    const c = buildCharts([]);
    expect(c.throughput.rows).toEqual([]);
    expect(c.rss.series).toEqual([]);
  });
});

describe('appendLive', () => {
  it('appends live samples after the downsampled history, keeping worker slots', () => {
    const base = buildCharts(makeSamples(5000, 0, 1000, ['w-1', 'w-2']), 100);
    const live = makeSamples(3, 5_000_000, 1000, ['w-2', 'w-3']);
    const c = appendLive(base, live);
    expect(c.throughput.rows).toHaveLength(base.throughput.rows.length + 3);
    expect(c.throughput.rows.at(-1)!.t).toBe(5_002_000);
    expect(c.rss.series.map((s) => s.label)).toEqual(['w-1', 'w-2', 'w-3']);
    const last = c.rss.rows.at(-1)!;
    expect(last.rss0).toBeNull(); // w-1 is gone
    expect(last.rss1).toBeCloseTo(live[2]!.workers[0]!.rssBytes / 1_048_576);
    expect(appendLive(base, [])).toBe(base);
    // a long tail is downsampled to the given budget
    const long = appendLive(base, makeSamples(3600, 6_000_000), 100);
    expect(long.throughput.rows.length).toBe(base.throughput.rows.length + 100);
  });
});

describe('mergeSamples', () => {
  it('clips to the range and appends only live samples newer than the history', () => {
    const history = makeSamples(10, 0, 1000); // t = 0..9000
    const live = makeSamples(5, 7000, 1000); // t = 7000..11000
    const merged = mergeSamples(history, live, 6000, 11_000);
    expect(merged.map((s) => s.t)).toEqual([5000, 6000, 7000, 8000, 9000, 10_000, 11_000]);
  });
});
