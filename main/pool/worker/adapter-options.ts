// GreenletBridgeAdapter options: defaults from the product spec and up-front
// checks whose errors name the option (Piscina style), so a bad value fails at
// construction and not as a confusing worker failure later.
import { AGENT_PATTERN, POOL_OPTION_TABLE as T } from '../../../common/pool-options-table';
import { errors } from '../errors';
import { ReplyBudget } from './framing';

export interface AdapterOptions {
  agent: string; // 'module.path:ClassName', found on PYTHONPATH
  pythonPath?: string; // interpreter; else env GREENLET_PYTHON, else <runtimeDir>/.venv, else python3
  runtimeDir?: string; // folder holding greenlet_a2a/ and examples/; default: the repo's python/
  agentId?: string;
  capabilities?: string[];
  timeout?: number; // ms run deadline per message (sent as deadline_ms), 0 = none; default 30000
  maxRetries?: number; // sendMessageWithResponse retries; default 3
  retryDelay?: number; // ms, backoff base; default 1000
  messageQueueSize?: number; // queueMessage bound; default 100
  concurrency?: number; // in-flight limit (worker greenlets, processQueue window); default 100
  workerQueueSize?: number; // the worker's own deque bound (max_queue_size); default 100
  pythonPaths?: string[]; // extra PYTHONPATH entries
  env?: Record<string, string>; // extra environment for the worker
  startTimeout?: number; // ms to wait for agent.register; default 20000
  drainTimeout?: number; // ms disconnect() lets the worker drain; default 30000
  killGrace?: number; // ms between SIGTERM and SIGKILL; default 2000
  hostTimeoutGrace?: number; // ms the host waits past a run deadline before giving up itself; default 1000
  maxFrameBytes?: number; // longest accepted worker line; default 64 MiB
  // Cap on unfinished reply text held at once; share one between adapters to cap them together.
  // Over it, reading pauses (backpressure), nothing is dropped. Default: a private 256 MiB budget.
  replyBudget?: ReplyBudget;
}

type OptionalKeys = 'pythonPath' | 'runtimeDir' | 'agentId' | 'capabilities' | 'replyBudget';
export type ResolvedAdapterOptions = Required<Omit<AdapterOptions, OptionalKeys>> & Pick<AdapterOptions, OptionalKeys>;

// The settings a worker launches with. Those the pool's option table also has take its
// defaults (one place: common/pool-options-table.ts); the rest are the adapter's own.
export const ADAPTER_DEFAULTS = {
  timeout: T.timeout.default,
  maxRetries: T.maxRetries.default,
  retryDelay: T.retryDelay.default,
  messageQueueSize: T.messageQueueSize.default,
  concurrency: T.concurrencyPerWorker.default,
  workerQueueSize: T.workerQueueSize.default,
  // A cold interpreter importing gevent takes ~0.1–0.3 s; on a starved 2-core box much more.
  // The pool's workers and the agent check (main/control/agent-validate.ts) wait this long too.
  startTimeout: 20_000,
  drainTimeout: T.drainTimeout.default,
  killGrace: 2000,
  hostTimeoutGrace: 1000,
  maxFrameBytes: 64 * 1024 * 1024,
} as const;

function int(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw errors.invalidOption(name, `must be an integer >= ${min} (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function resolveAdapterOptions(input: AdapterOptions): ResolvedAdapterOptions {
  if (input === null || typeof input !== 'object') throw errors.invalidOption('agent', 'is required (options object missing)');
  const o = { ...ADAPTER_DEFAULTS, pythonPaths: [] as string[], env: {} as Record<string, string>, ...stripUndefined(input) };
  if (typeof o.agent !== 'string' || !AGENT_PATTERN.re.test(o.agent)) {
    throw errors.invalidOption('agent', `${AGENT_PATTERN.says} (got ${JSON.stringify(o.agent)})`);
  }
  int('timeout', o.timeout, 0);
  int('maxRetries', o.maxRetries, 0);
  int('retryDelay', o.retryDelay, 0);
  int('messageQueueSize', o.messageQueueSize, 1);
  int('concurrency', o.concurrency, 1);
  int('workerQueueSize', o.workerQueueSize, 0);
  int('startTimeout', o.startTimeout, 1);
  int('drainTimeout', o.drainTimeout, 0);
  int('killGrace', o.killGrace, 0);
  int('hostTimeoutGrace', o.hostTimeoutGrace, 0);
  int('maxFrameBytes', o.maxFrameBytes, 1024);
  if (!Array.isArray(o.pythonPaths) || !o.pythonPaths.every((p) => typeof p === 'string')) {
    throw errors.invalidOption('pythonPaths', 'must be an array of strings');
  }
  if (o.env === null || typeof o.env !== 'object' || !Object.values(o.env).every((v) => typeof v === 'string')) {
    throw errors.invalidOption('env', 'must be an object of string values');
  }
  if (o.capabilities !== undefined && (!Array.isArray(o.capabilities) || !o.capabilities.every((c) => typeof c === 'string'))) {
    throw errors.invalidOption('capabilities', 'must be an array of strings');
  }
  if (o.replyBudget !== undefined && !(o.replyBudget instanceof ReplyBudget)) throw errors.invalidOption('replyBudget', 'must be a ReplyBudget');
  for (const key of ['pythonPath', 'runtimeDir', 'agentId'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') throw errors.invalidOption(key, 'must be a string');
  }
  return o as ResolvedAdapterOptions;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
