// Snapshot export: everything an operator needs to share a pool's state in
// one file. JSON carries config, stats, history and alerts; CSV carries the
// pool-level history columns for a spreadsheet.
import type { AlertsView, AppInfo, HostsView, LogEvent, MetricsHistory, SnapshotFile } from '../../../common/contract';
import type { AppConfig } from '../../../common/schemas';
import type { DetailedPoolStats, PoolStats } from '../../pool/index';
import { POOL_FIELDS, fieldValue } from './sample-math';

export const DEFAULT_SNAPSHOT_RANGE_MS = 3_600_000;

export interface SnapshotData {
  exportedAt: string;
  app: AppInfo;
  config: AppConfig;
  stats: PoolStats;
  detailedStats: DetailedPoolStats;
  historyRangeMs: number;
  history: MetricsHistory;
  alerts: AlertsView;
  operatorTrail?: LogEvent[]; // load runs, experiments, config applied/refused, recycles, with their door
  hosts?: HostsView; // cluster mode
}

/** greenlet-snapshot-2026-11-27T01-02-03Z.json: ISO time, ':' replaced so every OS accepts it. */
export function snapshotFilename(time: number, format: 'json' | 'csv'): string {
  const iso = new Date(time)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  return `greenlet-snapshot-${iso}.${format}`;
}

export function snapshotJson(data: SnapshotData, time: number): SnapshotFile {
  return { filename: snapshotFilename(time, 'json'), mimeType: 'application/json', content: `${JSON.stringify(data, null, 2)}\n` };
}

const CSV_COLUMNS = ['time', ...POOL_FIELDS] as const;

export function historyCsv(history: MetricsHistory): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of history.samples) {
    const row: Array<string | number> = [new Date(s.t).toISOString()];
    for (const f of POOL_FIELDS) row.push(fieldValue(s, f) ?? ''); // empty cell: no value (no traffic)
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function snapshotCsv(history: MetricsHistory, time: number): SnapshotFile {
  return { filename: snapshotFilename(time, 'csv'), mimeType: 'text/csv', content: historyCsv(history) };
}
