// The load generator's shape as one table of bounds: the API's schema (contract.ts, startLoad)
// and the Tasks & load form (ConsoleView) both read it, so the form never accepts what the API
// refuses. The tuning assistant's load (tuning.ts) has bounds of its own: it runs on throw-away pools
// whose steps must fit a time budget.
export interface LoadBound {
  min: number;
  max: number;
  int: boolean;
  hint?: string; // the form's wording, where the range alone does not say it
}

export const LOAD_BOUNDS = {
  rate: { min: 0.1, max: 100_000, int: false },
  count: { min: 0, max: 10_000_000, int: true, hint: 'whole number ≥ 0 (0 = until stopped)' },
  sleepMs: { min: 0, max: 600_000, int: true },
  failureRate: { min: 0, max: 1, int: false },
  payloadBytes: { min: 0, max: 1_000_000, int: true },
} as const satisfies Record<string, LoadBound>;

export type LoadField = keyof typeof LOAD_BOUNDS;

const fmt = (n: number) => n.toLocaleString('en-US');

/** The form's message for a value outside its bound (NaN included), or undefined when it fits. */
export function loadFieldError(field: LoadField, v: number): string | undefined {
  const b: LoadBound = LOAD_BOUNDS[field];
  if (v >= b.min && v <= b.max && (!b.int || Number.isInteger(v))) return undefined;
  return b.hint ?? `${fmt(b.min)} – ${fmt(b.max)}`;
}
