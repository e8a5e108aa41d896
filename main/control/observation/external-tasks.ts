// A2A tasks in the event log (`a2a.request`, data.door 'a2a'). Each failure is a warn line with
// the agent's message. Successes are debug lines: the first of each second at once, the rest of
// that second as one line when it ends ("… and 1 234 more").
//
// Why not a line per success: at a few thousand A2A messages a second that flooded the 5 000-line
// log (seconds of traffic, warnings pushed out) and the live event stream of every open window,
// and cost the A2A path ~15 µs of CPU a message — the event, its SSE frame, both kept in replay
// buffers — which the HTTP API's submitTask does not pay (issue 19).
import type { LogEvent } from '../../../common/contract';

export interface ExternalTaskInfo {
  source: 'a2a';
  ok: boolean;
  latencyMs: number;
  workerId?: string;
  message?: string;
}

type Log = (e: Omit<LogEvent, 'seq' | 'time'>) => void;

interface Window {
  count: number; // successes since the one logged
  latencyMs: number; // their sum
  timer: NodeJS.Timeout;
}

export class ExternalTaskLog {
  private window: Window | undefined;

  constructor(
    private readonly log: Log,
    private readonly windowMs = 1_000,
  ) {}

  record(info: ExternalTaskInfo): void {
    const where = info.workerId ? ` on ${info.workerId}` : '';
    const ms = Math.round(info.latencyMs);
    if (!info.ok) {
      const text = `A2A task failed after ${ms} ms${where}: ${info.message ?? 'error'}`;
      return this.line('warn', text, info.workerId, { ok: false, latencyMs: info.latencyMs, door: 'a2a' });
    }
    if (this.window) {
      this.window.count++;
      this.window.latencyMs += info.latencyMs;
      return;
    }
    this.line('debug', `A2A task done in ${ms} ms${where}`, info.workerId, { ok: true, latencyMs: info.latencyMs, door: 'a2a' });
    const timer = setTimeout(() => this.flush(), this.windowMs);
    timer.unref();
    this.window = { count: 0, latencyMs: 0, timer };
  }

  /** Logs the successes of the open window, if any, and closes it. */
  flush(): void {
    const w = this.window;
    if (!w) return;
    clearTimeout(w.timer);
    this.window = undefined;
    if (w.count === 0) return;
    const mean = w.latencyMs / w.count;
    const text = `… and ${w.count} more A2A task${w.count === 1 ? '' : 's'} done in ${this.windowMs / 1000} s, ${Math.round(mean)} ms on average`;
    this.line('debug', text, undefined, { ok: true, count: w.count, latencyMs: mean, door: 'a2a' });
  }

  private line(level: 'debug' | 'warn', message: string, workerId: string | undefined, data: Record<string, unknown> & { door: 'a2a' }): void {
    this.log({ type: 'a2a.request', level, message, workerId, data });
  }
}
