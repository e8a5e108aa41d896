import type { WorkerStats } from '../../../common/contract';

export type WorkerSortKey = keyof Pick<
  WorkerStats,
  | 'id'
  | 'pid'
  | 'state'
  | 'healthy'
  | 'messagesProcessed'
  | 'errors'
  | 'inFlight'
  | 'age'
  | 'rssBytes'
  | 'averageResponseTime'
  | 'loopLagMs'
  | 'restarts'
  | 'outputLines'
>;
export type SortDir = 'asc' | 'desc';

const natural = new Intl.Collator('en', { numeric: true }); // w-2 before w-10

/** A sorted copy; ties keep id order so rows do not jump between updates. */
export function sortWorkers(workers: readonly WorkerStats[], key: WorkerSortKey, dir: SortDir): WorkerStats[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...workers].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    let c: number;
    if (typeof x === 'string' && typeof y === 'string') c = natural.compare(x, y);
    else c = Number(x ?? -1) - Number(y ?? -1);
    return c * sign || natural.compare(a.id, b.id);
  });
}
