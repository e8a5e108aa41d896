// Options that take effect without new worker processes (the rest are RESTART_FIELDS and
// roll out by recycling): each one is handed to the part of the pool that owns it.
import type { Dispatcher } from '../dispatch/dispatcher';
import type { PoolOptions } from '../types';
import type { HealthMonitor } from './health';
import type { Recycler } from './recycler';
import type { Scaler } from './scaler';
import type { WorkerManager } from './workers';

export interface LiveParts {
  opts: PoolOptions;
  running: boolean;
  dispatcher: Dispatcher;
  health: HealthMonitor;
  scaler: Scaler;
  manager: WorkerManager;
  recycler: Recycler;
}

const LIMITS = ['workerRecycleInterval', 'workerRecycleJitter', 'maxMessagesPerWorker', 'maxMessagesJitter'] as const;

export function applyLiveOptions(keys: ReadonlySet<keyof PoolOptions>, p: LiveParts): void {
  const o = p.opts;
  if (keys.has('loadBalancingStrategy')) p.dispatcher.setStrategy(o.loadBalancingStrategy);
  if (keys.has('messageQueueSize')) p.dispatcher.queue.capacity = o.messageQueueSize;
  if (!p.running) return;
  if (keys.has('healthCheckInterval')) p.health.start();
  if (keys.has('idleTimeout')) p.scaler.start();
  if (LIMITS.some((k) => keys.has(k))) {
    for (const s of p.manager.slots) {
      s.applyLimits(o);
      if (s.state === 'ready') {
        p.recycler.armAge(s);
        p.recycler.checkCount(s);
      }
    }
  }
  if (keys.has('minWorkers') || keys.has('maxWorkers')) p.scaler.tick();
  p.dispatcher.drain();
}
