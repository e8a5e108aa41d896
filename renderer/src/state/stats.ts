import { create } from 'zustand';
import type { DetailedPoolStats } from '../../../common/contract';

interface StatsState {
  stats: DetailedPoolStats | null;
  updatedAt: number;
  setStats(stats: DetailedPoolStats, now?: number): void;
}

export const useStats = create<StatsState>()((set) => ({
  stats: null,
  updatedAt: 0,
  setStats: (stats, now = Date.now()) => set({ stats, updatedAt: now }),
}));

export type PoolPhase = 'connecting' | 'starting' | 'python-problem' | 'no-healthy' | 'running';

/** What the whole pool looks like at a glance, for the status banner. */
export function poolPhase(stats: DetailedPoolStats | null): PoolPhase {
  if (!stats) return 'connecting';
  if (stats.startError && stats.healthy === 0) return 'python-problem';
  if (stats.healthy > 0) return 'running';
  if (stats.starting > 0 || stats.total === 0) return 'starting';
  return 'no-healthy';
}
