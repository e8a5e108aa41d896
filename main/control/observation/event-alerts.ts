// Alert rules over pool events rather than samples: worker restarts per minute,
// crash loops and poison messages. A sample cannot see these (a worker restarted
// between two samples looks the same as one that never died), so the control plane
// feeds every pool event here and adds the resulting checks to the alert engine,
// which judges them with the same streak and clearing as the sample rules.
import type { AlertThresholds } from '../../../common/schemas';
import type { PoolEvent } from '../../pool/index';
import type { AlertCheck } from './alerts';

const MINUTE = 60_000;
// Poison messages are rare and each one is a message lost: keep the alert up long enough to be seen.
export const POISON_WINDOW_MS = 10 * MINUTE;
// A crash-looping worker retries every 15 s (restart-policy.ts); a minute without another failure ends the loop.
const CRASH_LOOP_WINDOW_MS = MINUTE;

export class EventAlerts {
  private restarts: number[] = []; // epoch ms of each worker restart after a failure
  private poison: number[] = [];
  private readonly loops = new Map<string, number>(); // worker id → last crash-loop failure

  observe(e: PoolEvent): void {
    if (e.type === 'worker.restarted' && e.workerId) {
      if (e.data?.crashLoop === true) this.loops.set(e.workerId, e.time);
      else this.restarts.push(e.time);
    } else if (e.type === 'task.poison') {
      this.poison.push(e.time);
    } else if (e.type === 'worker.started' && e.workerId) {
      this.loops.delete(e.workerId); // it came up: the loop is broken (a new failure starts it again)
    }
  }

  checks(now: number, t: AlertThresholds): AlertCheck[] {
    this.restarts = this.restarts.filter((at) => now - at < MINUTE);
    this.poison = this.poison.filter((at) => now - at < POISON_WINDOW_MS);
    for (const [id, at] of this.loops) if (now - at >= CRASH_LOOP_WINDOW_MS) this.loops.delete(id);
    const out: AlertCheck[] = [];
    if (t.restartsPerMinute > 0) {
      const n = this.restarts.length;
      out.push({
        id: 'workerRestarts',
        kind: 'workerRestarts',
        severity: 'warning',
        value: n,
        threshold: t.restartsPerMinute,
        breach: n >= t.restartsPerMinute,
        clear: n < t.restartsPerMinute,
        message: `${n} worker restarts after failures in the last minute (alert at ${t.restartsPerMinute})`,
      });
    }
    if (t.poisonMessages > 0) {
      const n = this.poison.length;
      out.push({
        id: 'poisonMessage',
        kind: 'poisonMessage',
        severity: 'critical',
        value: n,
        threshold: t.poisonMessages,
        breach: n >= t.poisonMessages,
        clear: n < t.poisonMessages,
        message: `${n} poison message${n === 1 ? '' : 's'} in the last ${POISON_WINDOW_MS / MINUTE} minutes: each killed or blocked every worker it was sent to and was failed`,
      });
    }
    if (t.crashLoop) {
      for (const id of this.loops.keys()) {
        out.push({
          id: `crashLoop:${id}`,
          kind: 'crashLoop',
          severity: 'critical',
          value: 1,
          threshold: 0,
          breach: true,
          clear: false,
          workerId: id,
          message: `Worker ${id} is crash-looping: it fails within a second of starting; retried every 15 s (see its lastError)`,
        });
      }
    }
    return out;
  }
}
