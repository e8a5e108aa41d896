// One 'abort' listener per AbortSignal, however many messages share it. A listener per
// message (pool task + adapter request) tripped Node's MaxListenersExceededWarning past 10
// and made abort O(listeners) per add/remove; here each message costs a Set entry.
type Watch = { fns: Set<() => void>; listener: () => void };

const watches = new WeakMap<AbortSignal, Watch>();

/** Calls `fn` once when `signal` aborts, unless unwatchAbort() removed it first. */
export function watchAbort(signal: AbortSignal, fn: () => void): void {
  let w = watches.get(signal);
  if (!w) {
    const fns = new Set<() => void>();
    const listener = (): void => {
      watches.delete(signal);
      for (const f of [...fns]) f(); // a copy: callbacks unwatch themselves (and others) as they settle
      fns.clear();
    };
    w = { fns, listener };
    watches.set(signal, w);
    signal.addEventListener('abort', listener, { once: true });
  }
  w.fns.add(fn);
}

export function unwatchAbort(signal: AbortSignal, fn: () => void): void {
  const w = watches.get(signal);
  if (!w || !w.fns.delete(fn) || w.fns.size > 0) return;
  watches.delete(signal);
  signal.removeEventListener('abort', w.listener);
}
