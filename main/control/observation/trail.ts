// The operator's trail: who asked for what, through which door, in the event log
// (so the Events view, getEvents and the JSON export show it). Load runs and
// experiments also log how they ended, with their counts, so a run can be
// read back after the fact without having watched it.
import type { Experiment, LoadStatus, LogEvent } from '../../../common/contract';
import type { LoadSpec } from '../tuning/load-generator';

/** How a request reached the control plane. */
export type Door = 'desktop' | 'http' | 'a2a' | 'in-process';
const VIA: Record<Door, string> = { desktop: 'the desktop app', http: 'the HTTP API', a2a: 'A2A', 'in-process': 'an in-process call' };
export const via = (door: Door) => `via ${VIA[door]}`;

/** The log types of the trail: the JSON export carries these beside the history. */
export const TRAIL_TYPES: ReadonlySet<LogEvent['type']> = new Set([
  'config.changed',
  'config.refused',
  'load.run',
  'experiment',
  'recycle.requested',
]);

type Log = (e: Omit<LogEvent, 'seq' | 'time'>) => void;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class OperatorTrail {
  private readonly finished = new Set<string>(); // experiment ids whose end is logged

  constructor(private readonly log: Log) {}

  asked(type: 'load.run' | 'experiment' | 'recycle.requested', door: Door, what: string, data: Record<string, unknown> = {}): void {
    this.log({ type, level: 'info', message: `${what} ${via(door)}`, data: { ...data, door } });
  }

  loadStarted(spec: LoadSpec, door: Door): void {
    const count = spec.count === 0 ? 'until stopped' : `${spec.count} messages`;
    this.asked(
      'load.run',
      door,
      `Load run started: ${spec.rate} msg/s, ${count}, sleep ${spec.sleepMs} ms, failure rate ${spec.failureRate}, payload ${spec.payloadBytes} B,`,
      { phase: 'start', spec: { ...spec } },
    );
  }

  /** Every message sent has an outcome by now: the counts are final. */
  loadFinished(s: LoadStatus): void {
    const took = s.startedAt !== undefined && s.stoppedAt !== undefined ? ` in ${seconds(s.stoppedAt - s.startedAt)}` : '';
    this.log({
      type: 'load.run',
      level: s.failed + s.rejected > 0 ? 'warn' : 'info',
      message: `Load run ended${took}: ${s.sent} sent — ${s.succeeded} answered, ${s.failed} failed, ${s.rejected} rejected (queue full)`,
      data: {
        phase: 'summary',
        sent: s.sent,
        succeeded: s.succeeded,
        failed: s.failed,
        rejected: s.rejected,
        target: s.target,
        rate: s.rate,
        startedAt: s.startedAt,
        stoppedAt: s.stoppedAt,
      },
    });
  }

  /** Called on each experiment update; logs its end once. */
  experimentProgress(e: Experiment): void {
    if (e.status === 'running' || this.finished.has(e.id)) return;
    this.finished.add(e.id);
    const r = e.recommendation;
    const result =
      e.status === 'done'
        ? `done — ${r ? (r.step === null ? `no change recommended: ${r.reason}` : `recommends ${JSON.stringify(r.patch.pool)}: ${r.reason}`) : 'no recommendation'}`
        : e.status === 'failed'
          ? `failed — ${e.error?.message ?? 'unknown error'}`
          : 'cancelled';
    const steps = e.steps.filter((s) => s.status === 'done').length;
    this.log({
      type: 'experiment',
      level: e.status === 'failed' ? 'warn' : 'info',
      message: `Experiment "${e.name}" ${result} (${steps} of ${e.steps.length} steps measured)`,
      data: { phase: 'result', id: e.id, status: e.status, recommendation: r?.patch.pool, error: e.error?.code },
    });
  }
}
