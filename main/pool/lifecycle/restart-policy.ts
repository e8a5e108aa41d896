// PM2-style restart backoff (exp_backoff_restart_delay): 100 ms × 1.5 per
// consecutive failure, capped at 15 s, forgotten once a worker has been up for
// 30 s — except that a worker which had run fine (up ≥ minUptime) and dies for
// the first time in a while is replaced at once: one crash of a healthy worker
// is not a loop, and every message waiting for capacity pays the wait. The
// next failure within the stable window waits 100 ms, then ×1.5. A run of
// failures where the worker never got stable (start-up failures, or crashes
// within minUptime) is a crash loop (PM2 max_restarts/min_uptime, Circus
// flapping): the slot is marked failed and only retried at the cap, so a
// broken agent is never respawned in a hot loop.
export interface RestartPolicyOptions {
  baseMs: number;
  factor: number;
  capMs: number;
  stableMs: number; // up this long → backoff resets
  minUptimeMs: number; // crashing sooner than this counts as unstable
  crashLoopAfter: number; // consecutive unstable failures that make a crash loop
}

export const RESTART_DEFAULTS: Readonly<RestartPolicyOptions> = Object.freeze({
  baseMs: 100,
  factor: 1.5,
  capMs: 15_000,
  stableMs: 30_000,
  minUptimeMs: 1_000,
  crashLoopAfter: 5,
});

export interface RestartDecision {
  delayMs: number;
  crashLoop: boolean;
  failures: number; // consecutive failures so far, this one included
}

export class RestartPolicy {
  private failures = 0;
  private unstable = 0;
  private firstWasImmediate = false; // the current run of failures began with an at-once restart

  constructor(private readonly o: RestartPolicyOptions = RESTART_DEFAULTS) {}

  /**
   * Record a failure. `uptimeMs` is how long the worker was ready before it
   * failed (null when it never became ready, i.e. a start-up failure).
   */
  onFailure(uptimeMs: number | null): RestartDecision {
    if (uptimeMs !== null && uptimeMs >= this.o.stableMs) {
      this.failures = 0;
      this.unstable = 0;
    }
    const ranFine = uptimeMs !== null && uptimeMs >= this.o.minUptimeMs;
    if (ranFine) this.unstable = 0;
    else this.unstable++;
    if (this.failures === 0) this.firstWasImmediate = ranFine;
    const crashLoop = this.unstable >= this.o.crashLoopAfter;
    const steps = this.failures - (this.firstWasImmediate ? 1 : 0); // backoff steps taken so far
    const delayMs = crashLoop ? this.o.capMs : steps < 0 ? 0 : Math.min(this.o.capMs, this.o.baseMs * this.o.factor ** steps);
    this.failures++;
    return { delayMs: Math.round(delayMs), crashLoop, failures: this.failures };
  }

  /** Operator asked for a fresh start (restart(), config change): forget the history. */
  reset(): void {
    this.failures = 0;
    this.unstable = 0;
    this.firstWasImmediate = false;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
