// Public facade of the engine (Piscina style: a small surface over private
// internals). Code outside main/pool imports from here, never from the files
// behind it (worker/, dispatch/, lifecycle/, metrics/); scripts/boundaries.test.ts checks it.
export { GreenletProcessPool } from './pool';
export { ADAPTER_DEFAULTS, GreenletBridgeAdapter, type AdapterOptions } from './worker/adapter';
export { errors, isPoolError, PoolError } from './errors';
export { LATENCY_BOUNDS_MS, outcomeOf, type Outcome } from './metrics/outcomes';
export { DEFAULT_OPTIONS, RESTART_FIELDS, mergeOptions, resolveOptions } from './options';
export { resolvePython, defaultRuntimeDir, firstUsablePython, pythonSearchOrder, venvPythonPath, type PythonSource } from './python-runtime';
export { STRATEGIES } from './types';
export type { TrafficRecord } from './traffic';
export type * from './types';
