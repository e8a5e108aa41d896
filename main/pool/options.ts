// Pool option defaults and validation. Every option is checked up front and a
// bad one throws ERR_INVALID_OPTION naming it (Piscina style), so a typo never
// turns into a half-configured pool. Limits mirror preload/schemas.ts.
import { errors } from './errors';
import { STRATEGIES, type ExecuteOptions, type PoolOptions } from './types';

export const DEFAULT_OPTIONS: Readonly<PoolOptions> = Object.freeze({
  minWorkers: 2,
  maxWorkers: 10,
  loadBalancingStrategy: 'round-robin',
  messageQueueSize: 100,
  maxRetries: 3,
  retryDelay: 1000,
  healthCheckInterval: 30_000,
  healthCheckTimeout: 5_000,
  restartOnFailure: true,
  workerRecycleInterval: 3_600_000,
  workerRecycleJitter: 360_000,
  maxMessagesPerWorker: 10_000,
  maxMessagesJitter: 1_000,
  maxWorkerMemoryMB: 0,
  timeout: 30_000,
  queueTimeout: 0,
  concurrencyPerWorker: 100,
  workerQueueSize: 100,
  scaleUpQueueThreshold: 1,
  idleTimeout: 30_000,
  drainTimeout: 30_000,
  agent: 'echo_agent:EchoAgent',
  pythonPaths: [],
});

/** Changing one of these needs new worker processes (they are baked into the spawn). */
export const RESTART_FIELDS: ReadonlySet<keyof PoolOptions> = new Set<keyof PoolOptions>([
  'agent',
  'agentId',
  'capabilities',
  'pythonPath',
  'pythonPaths',
  'env',
  'concurrencyPerWorker',
  'workerQueueSize',
]);

// Node fires any timer longer than 2^31-1 ms after 1 ms, so a larger duration would
// turn "once a month" into "every millisecond" (recycle loops, health-check storms).
export const MAX_TIMER_MS = 2_147_483_647;

type IntRule = readonly [keyof PoolOptions, number, number?];
const INT_RULES: readonly IntRule[] = [
  ['minWorkers', 1, 64],
  ['maxWorkers', 1, 64],
  ['messageQueueSize', 1],
  ['maxRetries', 0, 20],
  ['retryDelay', 0, MAX_TIMER_MS],
  ['healthCheckInterval', 100, MAX_TIMER_MS],
  ['healthCheckTimeout', 100, MAX_TIMER_MS],
  ['workerRecycleInterval', 0, MAX_TIMER_MS],
  ['workerRecycleJitter', 0, MAX_TIMER_MS],
  ['maxMessagesPerWorker', 0],
  ['maxMessagesJitter', 0],
  ['maxWorkerMemoryMB', 0],
  ['timeout', 1, MAX_TIMER_MS],
  ['queueTimeout', 0, MAX_TIMER_MS],
  ['concurrencyPerWorker', 1, 100_000],
  ['workerQueueSize', 0],
  ['scaleUpQueueThreshold', 1],
  ['idleTimeout', 0, MAX_TIMER_MS],
  ['drainTimeout', 0, MAX_TIMER_MS],
];

const KNOWN = new Set<string>([...Object.keys(DEFAULT_OPTIONS), 'pythonPath', 'agentId', 'capabilities', 'env']);
const AGENT_RE = /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/;

function checkInt(o: Record<string, unknown>, name: string, min: number, max?: number): void {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw errors.invalidOption(name, `must be an integer, got ${String(v)}`);
  if (v < min) throw errors.invalidOption(name, `must be >= ${min}, got ${v}`);
  if (max !== undefined && v > max) throw errors.invalidOption(name, `must be <= ${max}, got ${v}`);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);
}

/** Throws ERR_INVALID_OPTION for the first bad option; `o` is a complete option set. */
export function validateOptions(o: PoolOptions): void {
  const rec = o as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (!KNOWN.has(key)) throw errors.invalidOption(key, 'is not a pool option');
  }
  for (const [name, min, max] of INT_RULES) checkInt(rec, name, min, max);
  if (o.minWorkers > o.maxWorkers) {
    throw errors.invalidOption('minWorkers', `must not exceed maxWorkers (${o.minWorkers} > ${o.maxWorkers})`);
  }
  if (!(STRATEGIES as readonly string[]).includes(o.loadBalancingStrategy)) {
    throw errors.invalidOption('loadBalancingStrategy', `must be one of ${STRATEGIES.join(', ')}, got ${String(o.loadBalancingStrategy)}`);
  }
  if (typeof o.restartOnFailure !== 'boolean') throw errors.invalidOption('restartOnFailure', 'must be a boolean');
  if (typeof o.agent !== 'string' || !AGENT_RE.test(o.agent)) {
    throw errors.invalidOption('agent', `must look like "package.module:ClassName", got ${String(o.agent)}`);
  }
  if (o.pythonPath !== undefined && (typeof o.pythonPath !== 'string' || o.pythonPath === '')) {
    throw errors.invalidOption('pythonPath', 'must be a non-empty string');
  }
  if (o.agentId !== undefined && (typeof o.agentId !== 'string' || o.agentId === '')) {
    throw errors.invalidOption('agentId', 'must be a non-empty string');
  }
  if (o.capabilities !== undefined && !isStringArray(o.capabilities)) {
    throw errors.invalidOption('capabilities', 'must be an array of non-empty strings');
  }
  if (!isStringArray(o.pythonPaths)) throw errors.invalidOption('pythonPaths', 'must be an array of non-empty strings');
  if (o.env !== undefined) {
    if (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env)) throw errors.invalidOption('env', 'must be an object');
    for (const [k, v] of Object.entries(o.env)) {
      if (typeof v !== 'string') throw errors.invalidOption('env', `value of ${k} must be a string`);
    }
  }
}

/** Defaults + overrides, validated. Jitters default to 10 % of their base when not given. */
export function resolveOptions(partial: Partial<PoolOptions> = {}): PoolOptions {
  if (typeof partial !== 'object' || partial === null) throw errors.invalidOption('options', 'must be an object');
  const merged = { ...DEFAULT_OPTIONS, pythonPaths: [...DEFAULT_OPTIONS.pythonPaths] } as PoolOptions;
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  }
  if (partial.workerRecycleJitter === undefined && typeof merged.workerRecycleInterval === 'number') {
    merged.workerRecycleJitter = Math.round(merged.workerRecycleInterval / 10);
  }
  if (partial.maxMessagesJitter === undefined && typeof merged.maxMessagesPerWorker === 'number') {
    merged.maxMessagesJitter = Math.round(merged.maxMessagesPerWorker / 10);
  }
  validateOptions(merged);
  return merged;
}

/** Current options with `patch` applied, validated as a whole. Returns the new set and the changed keys. */
export function mergeOptions(
  current: PoolOptions,
  patch: Partial<PoolOptions>,
): { next: PoolOptions; changed: (keyof PoolOptions)[] } {
  if (typeof patch !== 'object' || patch === null) throw errors.invalidOption('options', 'must be an object');
  const next = { ...current } as PoolOptions;
  const rec = next as unknown as Record<string, unknown>;
  const changed: (keyof PoolOptions)[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (!KNOWN.has(k)) throw errors.invalidOption(k, 'is not a pool option');
    if (JSON.stringify(rec[k]) !== JSON.stringify(v)) changed.push(k as keyof PoolOptions);
    rec[k] = v;
  }
  validateOptions(next);
  return { next, changed };
}

/** Per-call execute() options: [name, why] of the first bad one, or null. */
export function badExecuteOption(o: ExecuteOptions): [string, string] | null {
  if (o.timeout !== undefined && !(Number.isInteger(o.timeout) && o.timeout > 0)) return ['timeout', `must be a positive integer (ms), got ${String(o.timeout)}`];
  if (o.queueTimeout !== undefined && !(Number.isInteger(o.queueTimeout) && o.queueTimeout >= 0)) {
    return ['queueTimeout', `must be an integer >= 0 (ms), got ${String(o.queueTimeout)}`];
  }
  return null;
}
