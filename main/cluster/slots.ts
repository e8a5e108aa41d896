// A host's slots: how many messages it runs on its local pool at once, and how
// many broker messages a pull should ask for. Envelope members beyond the free
// slots wait here in arrival order; a slot freed passes straight to the next.
import { MAX_MEMBERS } from './envelope';

const TOP_UP_SHARE = 8; // with work running, a pull waits until 1/8 of the slots are free

export class Slots {
  private running = 0;
  private readonly waiters: Array<() => void> = [];
  // Running average of how many messages a delivered message carries, so a pull of n brings about
  // the free slots' worth. It starts at a full envelope: taking too few costs one more pull, taking
  // too many leaves members waiting here while other hosts may idle.
  private perMessage = MAX_MEMBERS;

  constructor(
    readonly capacity: number,
    private readonly freed: () => void, // a slot came free: maybe pull
  ) {}

  /** A delivered message carried `members` messages. */
  observe(members: number): void {
    this.perMessage = this.perMessage * 0.8 + members * 0.2;
  }

  /**
   * Broker messages worth a pull now: the free slots over the messages one carries on average.
   * Small top-ups wait while work runs (one pull per finished message would double the requests).
   */
  wanted(): number {
    const busy = this.running + this.waiters.length;
    const free = this.capacity - busy;
    if (free <= 0 || (busy > 0 && free < Math.ceil(this.capacity / TOP_UP_SHARE))) return 0;
    return Math.max(1, Math.floor(free / this.perMessage));
  }

  /** A slot: at once when free (no promise to wait on), else after the members ahead of it. */
  acquire(): Promise<void> | void {
    if (this.running < this.capacity) {
      this.running++;
      return;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next)
      next(); // the slot passes on: running stays
    else this.running--;
    this.freed();
  }
}
