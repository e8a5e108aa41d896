// What a step's measured window counts. Only messages that ARRIVED in the
// window count, and each is followed to its answer (up to a drain deadline
// after the window): a backlog left by warm-up and drained inside the window
// is not throughput, so a window never reports more than was offered.
// "Keeps up" is decided here from those counts (docs/tuning.md, "The method").
import { outcomeOf } from '../../pool/index';
import type { StepFigures } from './step';

/** Share of the target rate a step may miss and still keep up: timer jitter of the load on a busy machine. */
export const KEEP_UP_TOLERANCE = 0.05;
/** Growth of outstanding messages a step may show and still keep up (besides the tolerance share). */
export const BACKLOG_SLACK = 5;

export class Measurement {
  private on = false;
  private startedAt = 0;
  private secs = 0;
  private sent = 0; // every message, window or not: the backlog is sent - settled
  private settledAll = 0;
  private backlogAtStart = 0;
  private backlogAtEnd = 0;
  private arrivals = 0;
  private ok = 0;
  private failed = 0; // the agent answered with an error
  private lost = 0; // timed out or cancelled: no answer
  private rejected = 0;
  private readonly latencies: number[] = [];
  private readonly unanswered = new Set<{ t0: number }>(); // window arrivals still waiting
  private wake: (() => void) | undefined;

  track(p: Promise<unknown>): Promise<unknown> {
    const t0 = performance.now();
    const inWindow = this.on;
    this.sent++;
    const waiting = { t0 };
    if (inWindow) {
      this.arrivals++;
      this.unanswered.add(waiting);
    }
    const settle = (outcome: 'ok' | 'failed' | 'lost' | 'rejected') => {
      this.settledAll++;
      if (!inWindow) return;
      this.unanswered.delete(waiting);
      this[outcome]++;
      if (outcome === 'ok') this.latencies.push(performance.now() - t0);
      if (this.unanswered.size === 0) this.wake?.();
    };
    return p.then(
      (v) => {
        settle('ok');
        return v;
      },
      (err: { code?: string }) => {
        const o = outcomeOf(err?.code, false);
        settle(o === 'rejected' ? 'rejected' : o === 'agentError' ? 'failed' : 'lost');
        throw err;
      },
    );
  }

  begin(): void {
    this.on = true;
    this.startedAt = performance.now();
    this.backlogAtStart = this.sent - this.settledAll;
  }

  /** Closes the window (no later arrival counts); call before stopping the load. */
  close(): void {
    this.on = false;
    this.secs = Math.max(1e-3, (performance.now() - this.startedAt) / 1000);
    this.backlogAtEnd = this.sent - this.settledAll;
  }

  /** Waits until every window arrival has its answer, or the deadline passes (the rest count as unanswered). */
  async drain(ms: number, signal: AbortSignal): Promise<void> {
    if (this.unanswered.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
    signal.throwIfAborted();
  }

  figures(target: number): StepFigures {
    // an arrival still unanswered at the drain deadline has waited at least this long: it counts so,
    // so a window whose answers never came shows a p99 of seconds, not 0
    const now = performance.now();
    const waited = [...this.unanswered].map((w) => now - w.t0);
    const sorted = Float64Array.from([...this.latencies, ...waited]).sort();
    const answered = this.ok + this.failed;
    const settled = answered + this.lost + this.rejected;
    const backlogGrowth = this.backlogAtEnd - this.backlogAtStart;
    const f: StepFigures = {
      target,
      throughput: this.ok / this.secs,
      offered: this.arrivals / this.secs,
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      p99Ms: quantile(sorted, 0.99),
      errorRate: settled ? (this.failed + this.lost) / settled : 0,
      rejectionRate: settled ? this.rejected / settled : 0,
      messages: this.arrivals,
      answered,
      backlogGrowth,
      keptUp: false,
      rssBytes: 0,
      loopLagMs: 0,
    };
    const behind = whyBehind(f, this.rejected, this.secs);
    f.keptUp = behind === undefined;
    if (behind) f.behind = behind;
    return f;
  }
}

const r3 = (v: number) => Number(v.toPrecision(3)).toLocaleString('en-US');

/** Why the step did not keep up, every failed check in words; undefined when it kept up. */
function whyBehind(f: StepFigures, rejected: number, secs: number): string | undefined {
  const need = (1 - KEEP_UP_TOLERANCE) * f.target;
  const answeredRate = f.answered / secs;
  const why: string[] = [];
  if (f.offered < need)
    why.push(
      `offered only ${r3(f.offered)} of ${r3(f.target)} msg/s (the load could not send at the rate: its bound on outstanding messages, or this process short of CPU)`,
    );
  else if (answeredRate < need) why.push(`answered ${r3(answeredRate)} of ${r3(f.target)} msg/s`);
  const unanswered = f.messages - f.answered - rejected;
  if (unanswered > 0) why.push(`${unanswered} unanswered (timed out, or still waiting at the drain deadline)`);
  if (rejected > 0) why.push(`${rejected} rejected (queue full)`);
  if (f.backlogGrowth > Math.max(BACKLOG_SLACK, KEEP_UP_TOLERANCE * f.messages))
    why.push(`backlog grew by ${f.backlogGrowth} messages in the window`);
  return why.length ? why.join('; ') : undefined;
}

/** Nearest-rank quantile of sorted values (0 when none). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
