// The live pool's cost of an experiment: its throughput and p99 from the
// sampler's samples just before the experiment and while it ran. Steps run
// beside the live pool on the same cores, so the live pool pays for them.
import type { MetricsSample } from '../../../common/contract';
import type { LiveCost } from '../../../common/tuning';
import { spread } from '../../../common/tuning-points';

function figures(samples: readonly MetricsSample[]) {
  const busy = samples.filter((s) => s.throughput > 0);
  return {
    throughput: samples.length ? samples.reduce((sum, s) => sum + s.throughput, 0) / samples.length : 0,
    // the median of per-interval p99s: one quiet interval does not hide the rest
    p99Ms: spread(busy.flatMap((s) => (s.p99LatencyMs === null ? [] : [s.p99LatencyMs]))).median,
    samples: samples.length,
  };
}

export const liveCost = (before: readonly MetricsSample[], during: readonly MetricsSample[]): LiveCost => ({
  before: figures(before),
  during: figures(during),
});
