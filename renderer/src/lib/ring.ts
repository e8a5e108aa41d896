// Bounded append for immutable store state: the array never grows past `cap`,
// so hours of live samples or log lines cannot grow the renderer's memory.

export function appendBounded<T>(arr: readonly T[], items: T | readonly T[], cap: number): T[] {
  const add = Array.isArray(items) ? (items as readonly T[]) : [items as T];
  const total = arr.length + add.length;
  if (total <= cap) return arr.concat(add);
  const drop = total - cap;
  if (drop >= arr.length) return add.slice(add.length - cap);
  return arr.slice(drop).concat(add);
}
