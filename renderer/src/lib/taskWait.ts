// What a pending task is waiting on, in an operator's words, from getTaskProgress.
import type { TaskProgress } from '../../../common/contract';
import { formatDuration } from './format';

const WHY: Record<string, string> = {
  ERR_WORKER_CRASHED: 'its worker died (crash, or killed for a blocked hub)',
  ERR_WORKER_QUEUE_FULL: 'its worker’s queue was full',
  ERR_NOT_CONNECTED: 'its worker was not running',
};

export function taskWaitText(p: TaskProgress | null): string {
  if (!p || p.state === 'done') return 'Waiting for the answer…';
  if (p.cluster) {
    // all the control center knows until a host stores the answer: whether the server holds it, since when
    const c = p.cluster;
    if (c.sincePublishedMs === undefined)
      return `Publishing to the cluster’s work stream (try ${c.publishTries}, ${formatDuration(p.elapsedMs)} so far): the server has not confirmed it yet`;
    return `Waiting for a host (${formatDuration(c.sincePublishedMs)}): in the cluster’s work stream; which host takes it and any redelivery (up to ${p.maxAttempts}) show when it answers`;
  }
  const attempt = `attempt ${Math.max(1, p.attempt)} of ${p.maxAttempts}`;
  const after = p.lastError ? ` after ${WHY[p.lastError] ?? p.lastError}` : '';
  switch (p.state) {
    case 'queued':
      return `In the pool queue, position ${p.queuePosition ?? '?'} of ${p.queueLength ?? '?'}: no worker has spare capacity${p.attempt > 0 ? ` (${attempt}${after})` : ''}`;
    case 'retry-wait':
      return `Waiting to retry (next: attempt ${p.attempt + 1} of ${p.maxAttempts})${after}`;
    case 'running': {
      const where = p.workerId ? `on worker ${p.workerId}` : 'on a worker';
      const ran = p.runningMs !== undefined ? ` for ${formatDuration(p.runningMs)}` : '';
      if (p.workerSuspectForMs !== undefined) {
        const verdict = p.workerHealthy === false ? 'judged blocked' : 'suspected blocked';
        return `Running ${where}${ran} (${attempt}): worker ${p.workerId} has not answered pings for ${formatDuration(p.workerSuspectForMs)} — its gevent hub is ${verdict} (CPU-bound or blocking code)`;
      }
      return `Running ${where}${ran} (${attempt})`;
    }
  }
}
