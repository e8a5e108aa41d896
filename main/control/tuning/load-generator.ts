// Load generator for tuning against real traffic: sends echo-agent messages
// ({sleep_ms, fail, payload, cpu_ms}) at a steady rate from a timer. A token bucket
// with a small burst cap plus a bound on outstanding messages keeps memory
// flat: when the pool cannot keep up, the generator falls behind instead of
// piling up promises (the queue-full rejections it does see are counted).
import type { LoadStatus } from '../../../common/contract';
import { outcomeOf } from '../../pool/index';

export interface LoadSpec {
  rate: number; // msg/s
  count: number; // 0 = until stopped
  sleepMs: number;
  failureRate: number; // 0..1
  payloadBytes: number;
  cpuMs?: number; // CPU work per message that does not yield (the tuning assistant's load)
}

export interface LoadDeps {
  submit: (data: unknown) => Promise<unknown>;
  now: () => number;
  onStatus: (status: LoadStatus) => void;
  /** Once per run, when every message sent has its outcome: the final counts. */
  onFinished?: (status: LoadStatus) => void;
  maxOutstanding?: () => number;
  random?: () => number;
}

const STATUS_EVERY_MS = 250;

export class LoadGenerator {
  private status: LoadStatus = { running: false, sent: 0, succeeded: 0, failed: 0, rejected: 0, target: 0, rate: 0 };
  private spec: LoadSpec | undefined;
  private timer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private tokens = 0;
  private lastTick = 0;
  private outstanding = 0;
  private sending = false;
  private payload = '';
  private run = 0; // completions of a previous run must not count in a new one

  constructor(private readonly deps: LoadDeps) {}

  start(spec: LoadSpec): LoadStatus {
    this.halt();
    this.stopStatusTimer();
    this.run++;
    this.spec = spec;
    this.payload = 'x'.repeat(spec.payloadBytes);
    this.outstanding = 0;
    this.tokens = 1; // the first message goes out at once
    this.lastTick = this.deps.now();
    this.sending = true;
    this.status = { running: true, sent: 0, succeeded: 0, failed: 0, rejected: 0, target: spec.count, rate: spec.rate, startedAt: this.lastTick };
    const tickMs = Math.min(250, Math.max(20, 1000 / spec.rate));
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref?.();
    this.statusTimer = setInterval(() => this.deps.onStatus(this.get()), STATUS_EVERY_MS);
    this.statusTimer.unref?.();
    this.tick();
    this.deps.onStatus(this.get());
    return this.get();
  }

  /** Stops sending; messages already sent still finish and are counted (status keeps flowing until then). */
  stop(): LoadStatus {
    if (this.status.running) {
      this.halt();
      this.status.running = false;
      this.status.stoppedAt = this.deps.now();
      const settled = this.outstanding === 0;
      if (settled) this.stopStatusTimer();
      this.deps.onStatus(this.get());
      if (settled) this.deps.onFinished?.(this.get());
    }
    return this.get();
  }

  get(): LoadStatus {
    return { ...this.status };
  }

  /** Messages sent whose outcome is not known yet. */
  get pending(): number {
    return this.outstanding;
  }

  /** Stops sending only. */
  private halt(): void {
    this.sending = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private stopStatusTimer(): void {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = undefined;
  }

  private tick(): void {
    const spec = this.spec;
    if (!spec || !this.sending) return;
    const now = this.deps.now();
    const burst = Math.max(1, spec.rate * 0.25);
    this.tokens = Math.min(burst, this.tokens + ((now - this.lastTick) / 1000) * spec.rate);
    this.lastTick = now;
    const cap = this.deps.maxOutstanding?.() ?? 10_000;
    while (this.tokens >= 1 && this.outstanding < cap && (spec.count === 0 || this.status.sent < spec.count)) {
      this.tokens -= 1;
      this.sendOne(spec);
    }
    if (spec.count > 0 && this.status.sent >= spec.count) {
      this.halt(); // all sent; running ends when the last one settles
      this.finishIfDone();
    }
  }

  private sendOne(spec: LoadSpec): void {
    const random = this.deps.random ?? Math.random;
    const data: Record<string, unknown> = { sleep_ms: spec.sleepMs, fail: spec.failureRate > 0 && random() < spec.failureRate };
    if (spec.payloadBytes > 0) data.payload = this.payload;
    if (spec.cpuMs) data.cpu_ms = spec.cpuMs;
    const run = this.run;
    this.status.sent++;
    this.outstanding++;
    let p: Promise<unknown>;
    try {
      p = this.deps.submit(data);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => this.settle(run, 'succeeded'),
      (err: { code?: string }) => this.settle(run, outcomeOf(err?.code, false) === 'rejected' ? 'rejected' : 'failed'),
    );
  }

  private settle(run: number, outcome: 'succeeded' | 'failed' | 'rejected'): void {
    if (run !== this.run) return;
    this.outstanding--;
    this.status[outcome]++;
    this.finishIfDone();
  }

  /** All sent (or stopped) and all settled: the run is over; say so once. */
  private finishIfDone(): void {
    if (this.sending || this.outstanding > 0 || !this.statusTimer) return;
    this.stopStatusTimer();
    if (this.status.running) {
      this.status.running = false;
      this.status.stoppedAt = this.deps.now();
    }
    this.deps.onStatus(this.get());
    this.deps.onFinished?.(this.get());
  }
}
