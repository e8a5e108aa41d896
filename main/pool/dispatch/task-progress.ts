// What one message is waiting on, read on demand (the Tasks view polls it while a
// task runs): queued at position n, running on a worker (and whether that worker
// is suspect), or waiting to retry after a failure. Nothing here runs on the hot
// path: a read walks the queue once, only when asked.
import type { PoolOptions, TaskProgress } from '../types';
import { TaskState, type Task, type TaskQueue } from './pool-queue';

export function taskProgress(task: Task, queue: TaskQueue, opts: PoolOptions, now: number): TaskProgress {
  const base = { attempt: task.attempts, maxAttempts: opts.maxRetries + 1, elapsedMs: Math.round(now - task.createdAt) };
  const lastError = task.lastErrorCode ? { lastError: task.lastErrorCode } : {};
  switch (task.state) {
    case TaskState.Queued:
      return { state: 'queued', ...base, ...lastError, queuePosition: queue.positionOf(task), queueLength: queue.size };
    case TaskState.RetryWait:
      return { state: 'retry-wait', ...base, ...lastError };
    case TaskState.Done:
      return { state: 'done', ...base };
    case TaskState.Running: {
      const slot = task.slot;
      const w = slot?.stats();
      return {
        state: 'running',
        ...base,
        ...lastError,
        ...(slot ? { workerId: slot.id, runningMs: Math.round(now - task.dispatchedAt), workerHealthy: slot.healthy } : {}),
        ...(w?.suspectForMs !== undefined ? { workerSuspectForMs: w.suspectForMs } : {}),
      };
    }
  }
}
