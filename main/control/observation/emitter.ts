// Typed fan-out of the contract's events. A throwing listener (a closed
// window, a dead socket) must not break the sampler or other listeners.
import type { EventName, EventPayload } from '../../../common/contract';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

export class ContractEmitter {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<EventName>);
    return () => {
      set.delete(listener as Listener<EventName>);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // a listener's failure is its own; the control plane keeps running
      }
    }
  }

  hasListeners(event: EventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  clear(): void {
    this.listeners.clear();
  }
}
