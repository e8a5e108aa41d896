// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { thresholdLines } from './thresholds';

const th = defaultConfig().alerts;

describe('thresholdLines', () => {
  it('draws the latency threshold in ms on the latency chart only', () => {
    expect(thresholdLines('latency', th, { queueCapacity: 100, totalWorkers: 4 })).toEqual([
      expect.objectContaining({ y: 5000, severity: 'critical', kind: 'avgResponseTime' }),
    ]);
    expect(thresholdLines('throughput', th, { queueCapacity: 100, totalWorkers: 4 })).toEqual([]);
  });

  it('converts percentage thresholds into the chart units', () => {
    expect(thresholdLines('errorRate', th, { queueCapacity: 0, totalWorkers: 0 })[0]!.y).toBe(10);
    expect(thresholdLines('queue', { ...th, queueFillPct: 80 }, { queueCapacity: 250, totalWorkers: 4 })[0]!.y).toBe(200);
    expect(thresholdLines('workers', { ...th, availableWorkersPct: 25 }, { queueCapacity: 100, totalWorkers: 8 })[0]!.y).toBe(2);
  });

  it('draws nothing it cannot place (no capacity, no workers, no thresholds yet)', () => {
    expect(thresholdLines('queue', th, { queueCapacity: 0, totalWorkers: 4 })).toEqual([]);
    expect(thresholdLines('workers', th, { queueCapacity: 100, totalWorkers: 0 })).toEqual([]);
    expect(thresholdLines('latency', null, { queueCapacity: 100, totalWorkers: 4 })).toEqual([]);
  });
});
