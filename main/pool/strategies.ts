// Load-balancing strategies. Each picks among workers with spare in-flight
// capacity (`slot.available`) or returns null when none has any. All are
// O(workers), allocation-free, and keep their own small state so a live switch
// is just swapping the picker object.
import { STRATEGIES, type StrategyName } from './types';
import type { WorkerSlot } from './worker-slot';

export { STRATEGIES };

export interface Picker {
  readonly name: StrategyName;
  pick(slots: readonly WorkerSlot[]): WorkerSlot | null;
}

class RoundRobin implements Picker {
  readonly name = 'round-robin' as const;
  private cursor = 0;
  pick(slots: readonly WorkerSlot[]): WorkerSlot | null {
    const n = slots.length;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const s = slots[i]!;
      if (s.available) {
        this.cursor = i + 1;
        return s;
      }
    }
    return null;
  }
}

/** Fewest messages in flight; ties rotate so equal workers share the load. */
class LeastBusy implements Picker {
  readonly name = 'least-busy' as const;
  private start = 0;
  pick(slots: readonly WorkerSlot[]): WorkerSlot | null {
    const n = slots.length;
    let best: WorkerSlot | null = null;
    this.start = this.start + 1 >= n ? 0 : this.start + 1;
    for (let k = 0; k < n; k++) {
      const s = slots[(this.start + k) % n]!;
      if (s.available && (best === null || s.inFlight < best.inFlight)) {
        best = s;
        if (s.inFlight === 0) break;
      }
    }
    return best;
  }
}

function countAvailable(slots: readonly WorkerSlot[]): number {
  let c = 0;
  for (let i = 0; i < slots.length; i++) if (slots[i]!.available) c++;
  return c;
}

function nthAvailable(slots: readonly WorkerSlot[], nth: number): WorkerSlot | null {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    if (s.available && nth-- === 0) return s;
  }
  return null;
}

/** Uniform among available workers (two passes, so unbiased when some are full). */
class RandomPick implements Picker {
  readonly name = 'random' as const;
  pick(slots: readonly WorkerSlot[]): WorkerSlot | null {
    const c = countAvailable(slots);
    return c === 0 ? null : nthAvailable(slots, Math.floor(Math.random() * c));
  }
}

/**
 * Power of two choices (Mitzenmacher) on expected wait: draw two available
 * workers at random, send to the one with the lower (inFlight + 1) × EWMA run
 * latency. Latency-aware like least-loaded, but without every dispatcher
 * herding onto the single least-loaded worker (Finagle/Linkerd P2C-EWMA).
 */
class P2cEwma implements Picker {
  readonly name = 'p2c-ewma' as const;
  pick(slots: readonly WorkerSlot[]): WorkerSlot | null {
    const c = countAvailable(slots);
    if (c <= 1) return c === 0 ? null : nthAvailable(slots, 0);
    const i = Math.floor(Math.random() * c);
    let j = Math.floor(Math.random() * (c - 1));
    if (j >= i) j++;
    const a = nthAvailable(slots, i)!;
    const b = nthAvailable(slots, j)!;
    // A fresh worker has no EWMA yet: it borrows the other's, so the two compare on in-flight
    // alone (a zero latency would make it look free and flood it up to its capacity).
    const la = a.ewmaMs > 0 ? a.ewmaMs : b.ewmaMs > 0 ? b.ewmaMs : 1;
    const lb = b.ewmaMs > 0 ? b.ewmaMs : la;
    return (a.inFlight + 1) * la <= (b.inFlight + 1) * lb ? a : b;
  }
}

export function createPicker(name: StrategyName): Picker {
  switch (name) {
    case 'round-robin':
      return new RoundRobin();
    case 'least-busy':
      return new LeastBusy();
    case 'random':
      return new RandomPick();
    case 'p2c-ewma':
      return new P2cEwma();
  }
}
