// A host's slots: how many messages it runs on its local pool at once, and what
// a pull should ask for. A pull asks for broker messages by count *and* bytes
// (the free slots and a quarter of the capacity, at the bytes a member has taken
// on average), so an envelope that does not fit stays on the server for a host
// that has room (the server ends such a pull with 409 and keeps the message); a
// host with nothing running takes one whatever its size, so nothing waits
// forever. Members beyond the free slots wait here in arrival order; a slot
// freed passes straight to the next.
import { MAX_MEMBERS } from './envelope';

const TOP_UP_SHARE = 8; // with work running, a pull waits until 1/8 of the slots are free
const HEADER_BYTES = 200; // subject and headers of a work message, counted by the server's max_bytes

export class Slots {
  private running = 0;
  private readonly waiters: Array<() => void> = [];
  // Running average of how many messages a delivered message carries, so a pull of n brings about
  // the free slots' worth. It starts at a full envelope: taking too few costs one more pull, taking
  // too many leaves members waiting here while other hosts may idle.
  private perMessage = MAX_MEMBERS;
  // Running averages of the bytes a member takes, headers allowed for, per kind: a lone message
  // carries ~200 bytes of headers, an envelope's member a few. A pull is bounded by the smaller of
  // those seen: bounded by the lone figure, three envelopes fitted where one should (a host took 192
  // members for 64 slots while the other idled).
  private readonly bytesPerMember = { lone: 0, envelope: 0 }; // 0: none seen yet

  constructor(
    readonly capacity: number,
    private readonly freed: () => void, // a slot came free: maybe pull
  ) {}

  /** A delivered message carried `members` messages (1: a lone message, not an envelope) in `bytes` of payload. */
  observe(members: number, bytes: number): void {
    this.perMessage = this.perMessage * 0.8 + members * 0.2;
    const kind = members === 1 ? 'lone' : 'envelope';
    const per = (bytes + HEADER_BYTES) / members;
    const was = this.bytesPerMember[kind];
    this.bytesPerMember[kind] = was === 0 ? per : was * 0.8 + per * 0.2;
  }

  /** Nothing running and nothing waiting: a message of any size is taken. */
  get idle(): boolean {
    return this.running + this.waiters.length === 0;
  }

  /**
   * What a pull should ask for now: broker messages (the free slots over the messages one carries on
   * average) and bytes (maxBytes 0: no bound yet). Small top-ups wait while work runs (one pull per
   * finished message would double the requests).
   */
  wanted(): { n: number; maxBytes: number } {
    const busy = this.running + this.waiters.length;
    const free = this.capacity - busy;
    if (free <= 0 || (busy > 0 && free < Math.ceil(this.capacity / TOP_UP_SHARE))) return { n: 0, maxBytes: 0 };
    // 1.25: the average is an estimate; a little overshoot waits here, an undershoot costs a pull
    const { lone, envelope } = this.bytesPerMember;
    const perMember = lone && envelope ? Math.min(lone, envelope) : lone || envelope;
    const n = Math.max(1, Math.floor(free / this.perMessage));
    // Bytes for the free slots and a quarter of the capacity more: members that wait here keep the
    // pool fed while the next pull is on its way (a host held to its free slots alone answered
    // 0.28–0.30× the local pool at 1,000 outstanding, against 0.33–0.41× unbounded), and at most a
    // quarter of a host's capacity waits on it while another host might idle.
    const room = free + Math.ceil(this.capacity / 4);
    return { n, maxBytes: perMember ? Math.ceil(room * perMember * 1.25) : 0 }; // 0: nothing seen yet, no byte bound
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
