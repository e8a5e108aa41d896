// Replays recorded traffic shapes against a step's pool: the same arrival
// gaps (looped for as long as the step runs), the same sizes, each message
// asking the echo agent to wait its recorded run time (a cooperative wait:
// the recording cannot tell CPU from I/O) and to fail where it failed.
import type { TrafficRecord } from '../../pool/index';

const TICK_MS = 10;
const ENVELOPE_BYTES = 40; // {"sleep_ms":…,"fail":…,"payload":""} around the padding

export class ReplayLoad {
  private timer: NodeJS.Timeout | undefined;
  private outstanding = 0;
  private i = 0;
  private cycle = 0;
  private t0 = 0;
  private readonly first: number;
  private readonly period: number;

  constructor(
    private readonly records: readonly TrafficRecord[],
    private readonly submit: (data: unknown) => Promise<unknown>,
    private readonly maxOutstanding: () => number,
  ) {
    const n = records.length;
    this.first = records[0]?.t ?? 0;
    const span = n > 1 ? records[n - 1]!.t - this.first : 0;
    // one more average gap after the last record, so the loop keeps the recorded rate
    this.period = span + (n > 1 ? span / (n - 1) : 1_000);
  }

  start(): void {
    if (!this.records.length) return;
    this.t0 = Date.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref?.();
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const elapsed = Date.now() - this.t0;
    const cap = this.maxOutstanding();
    for (;;) {
      const r = this.records[this.i]!;
      if (this.cycle * this.period + (r.t - this.first) > elapsed) return;
      // over the bound the message is skipped, as a saturated generator would fall behind
      if (this.outstanding < cap) this.send(r);
      if (++this.i === this.records.length) {
        this.i = 0;
        this.cycle++;
      }
    }
  }

  private send(r: TrafficRecord): void {
    const data: Record<string, unknown> = { sleep_ms: Math.round(r.runMs), fail: r.outcome === 'error' };
    const pad = r.bytes - ENVELOPE_BYTES;
    if (pad > 0) data.payload = 'x'.repeat(pad);
    this.outstanding++;
    const done = () => void this.outstanding--;
    this.submit(data).then(done, done);
  }
}
