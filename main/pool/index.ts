// Public facade of the engine (Piscina style: a small surface over private
// internals). Import from here, not from the files behind it.
export { GreenletProcessPool, type ConfigChange, type ShutdownOptions } from './pool';
export { GreenletBridgeAdapter, type AdapterOptions } from './adapter';
export { errors, isPoolError, PoolError } from './errors';
export { DEFAULT_OPTIONS, RESTART_FIELDS } from './options';
export { resolvePython, defaultRuntimeDir } from './python-runtime';
export { STRATEGIES } from './types';
export type { TrafficRecord } from './traffic';
export type * from './types';
