// Replays recorded traffic shapes against a step's pool at a given rate (the
// recorded rate, or a stated multiple of it). Messages keep their recorded
// order, sizes, run times (a cooperative wait: the recording cannot tell CPU
// from I/O) and failures. Arrivals are cut into slices of SLICE_MS at that
// rate: inside a slice the recorded spacing is kept (a burst stays a burst),
// and each slice lasts exactly as long as its messages take at the rate, so
// every window of a step offers the rate. Replaying the raw gaps instead let
// a step of seconds land inside a burst (200 msg/s offered from a 30.8 msg/s
// recording) or a pause of the minutes-long recording.
import type { TrafficRecord } from '../../pool/index';

const TICK_MS = 10;
export const SLICE_MS = 250;
const ENVELOPE_BYTES = 40; // {"sleep_ms":…,"fail":…,"payload":""} around the padding

/** When each record is sent, in ms from the start of one cycle, and the cycle's length. */
export function replaySchedule(records: readonly TrafficRecord[], rate: number): { at: number[]; period: number } {
  const n = records.length;
  const perSlice = Math.max(1, Math.round((rate * SLICE_MS) / 1000));
  const meanGap = n > 1 ? (records[n - 1]!.t - records[0]!.t) / (n - 1) : 0;
  const at: number[] = [];
  for (let i0 = 0; i0 < n; i0 += perSlice) {
    const end = Math.min(n, i0 + perSlice);
    const start = records[i0]!.t;
    // the slice's recorded length: to the next slice's first arrival (the last slice: one mean gap past its end)
    const span = end < n ? records[end]!.t - start : records[n - 1]!.t - start + meanGap;
    const base = (i0 * 1000) / rate;
    const ms = ((end - i0) * 1000) / rate;
    for (let i = i0; i < end; i++) at.push(base + (span > 0 ? ((records[i]!.t - start) / span) * ms : 0));
  }
  return { at, period: (n * 1000) / rate };
}

export class ReplayLoad {
  private timer: NodeJS.Timeout | undefined;
  private outstanding = 0;
  private i = 0;
  private cycle = 0;
  private t0 = 0;
  private readonly schedule: { at: number[]; period: number };

  constructor(
    private readonly records: readonly TrafficRecord[],
    rate: number,
    private readonly submit: (data: unknown) => Promise<unknown>,
    private readonly maxOutstanding: () => number,
  ) {
    this.schedule = replaySchedule(records, rate);
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
    const { at, period } = this.schedule;
    while (this.cycle * period + at[this.i]! <= elapsed) {
      // over the bound the message is skipped, as a saturated generator would fall behind
      if (this.outstanding < cap) this.send(this.records[this.i]!);
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
