// The shape of the traffic a pool serves, for the tuning assistant's replay:
// when each message arrived, how big it was, how long it ran and how it
// ended. Never its contents.
import { outcomeOf } from './metrics/outcomes';
import type { TaskOutcome } from './types';

export interface TrafficRecord {
  t: number; // epoch ms when execute() was called
  bytes: number; // size of the message data as JSON
  runMs: number; // latency minus queue wait: the worker's share (0 when it failed)
  outcome: 'ok' | 'error' | 'rejected';
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length + 2;
  try {
    return JSON.stringify(data)?.length ?? 0;
  } catch {
    return 0; // not JSON (the adapter refuses it anyway)
  }
}

/** Wraps a dispatcher promise that resolves with a TaskOutcome; resolves as the caller asked. */
export function recordTraffic(p: Promise<unknown>, rec: (r: TrafficRecord) => void, data: unknown, withInfo: boolean): Promise<unknown> {
  const t = Date.now();
  const bytes = sizeOf(data);
  return p.then(
    (v) => {
      const o = v as TaskOutcome;
      rec({ t, bytes, runMs: Math.max(0, o.latencyMs - o.queueWaitMs), outcome: 'ok' });
      return withInfo ? o : o.result;
    },
    (err: { code?: string }) => {
      rec({ t, bytes, runMs: 0, outcome: outcomeOf(err?.code, false) === 'rejected' ? 'rejected' : 'error' });
      throw err;
    },
  );
}
