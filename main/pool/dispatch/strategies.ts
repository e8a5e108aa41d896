// Load-balancing strategies. Each picks among workers with spare in-flight
// capacity (`slot.available`) or returns null when none has any. All are
// O(workers), allocation-free, and keep their own small state so a live switch
// is just swapping the picker object.
import { STRATEGIES, type StrategyName } from '../types';
import type { WorkerSlot } from '../worker/worker-slot';

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
 * Expected wait on a worker before a new message gets going: messages ahead × how long each takes.
 * `fallbackMs` stands in for a fresh worker's missing EWMA, so it is compared on load
 * rather than looking free (a zero latency would flood it up to its capacity).
 */
function expectedWait(s: WorkerSlot, now: number, fallbackMs: number): number {
  // A busy worker that has shown no progress for longer than its usual run time is
  // probably blocked (CPU-bound agent code holds its hub): trust the stall, not the EWMA.
  const stall = s.inFlight > 0 && s.lastProgressAt > 0 ? now - s.lastProgressAt : 0;
  const perMessage = Math.max(s.ewmaMs > 0 ? s.ewmaMs : fallbackMs, stall);
  // The new message's own run time is the same on any worker, so only the work ahead
  // of it counts: an idle worker costs 0 even if its last message was a slow one.
  return s.inFlight * (perMessage > 0 ? perMessage : 1);
}

/** Pools up to this many routable workers are scored exhaustively instead of sampled. */
const EXHAUSTIVE_UP_TO = 8;

/**
 * Power of two choices (Mitzenmacher) on expected wait, in flight × EWMA run latency
 * (after Finagle/Linkerd P2C-EWMA), made stall-aware: a busy worker that has not
 * replied for longer than its EWMA is scored by that stall, so a hub blocked by CPU
 * work stops attracting messages at once rather than after its slow reply lands.
 * Small pools are scored exhaustively (sampling only pays off for large fleets);
 * ties rotate so equal workers share the load.
 */
class P2cEwma implements Picker {
  readonly name = 'p2c-ewma' as const;
  private start = 0;
  pick(slots: readonly WorkerSlot[]): WorkerSlot | null {
    const c = countAvailable(slots);
    if (c <= 1) return c === 0 ? null : nthAvailable(slots, 0);
    const now = performance.now();
    if (c <= EXHAUSTIVE_UP_TO) return this.best(slots, now);
    const i = Math.floor(Math.random() * c);
    let j = Math.floor(Math.random() * (c - 1));
    if (j >= i) j++;
    const a = nthAvailable(slots, i)!;
    const b = nthAvailable(slots, j)!;
    const fallback = a.ewmaMs > 0 ? a.ewmaMs : b.ewmaMs;
    return expectedWait(a, now, fallback) <= expectedWait(b, now, fallback) ? a : b;
  }

  private best(slots: readonly WorkerSlot[], now: number): WorkerSlot | null {
    const n = slots.length;
    let sum = 0;
    let measured = 0;
    for (let k = 0; k < n; k++) {
      const s = slots[k]!;
      if (s.available && s.ewmaMs > 0) {
        sum += s.ewmaMs;
        measured++;
      }
    }
    const fallback = measured > 0 ? sum / measured : 0;
    this.start = this.start + 1 >= n ? 0 : this.start + 1;
    let best: WorkerSlot | null = null;
    let bestCost = Infinity;
    for (let k = 0; k < n; k++) {
      const s = slots[(this.start + k) % n]!;
      if (!s.available) continue;
      const cost = expectedWait(s, now, fallback);
      if (cost < bestCost) {
        best = s;
        bestCost = cost;
      }
    }
    return best;
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
