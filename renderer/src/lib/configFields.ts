// Every setting the operator can edit, with its unit and a one-line help.
// Validation is NOT here: values are checked with the shared zod schema.
import { STRATEGY_NAMES } from '../../../preload/schemas';

export type Section = 'pool' | 'alerts' | 'sampling';
export type FieldKind = 'int' | 'number' | 'bool' | 'enum' | 'string' | 'list';

export interface FieldMeta {
  section: Section;
  key: string;
  label: string;
  kind: FieldKind;
  unit?: string;
  help: string;
  options?: readonly string[];
  optional?: boolean; // empty input means "not set"
  group?: string;
}

const pool = (key: string, label: string, kind: FieldKind, help: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  section: 'pool',
  key,
  label,
  kind,
  help,
  ...extra,
});

export const POOL_FIELDS: FieldMeta[] = [
  pool('minWorkers', 'Minimum workers', 'int', 'Workers kept running even when idle.', { unit: 'workers', group: 'Size' }),
  pool('maxWorkers', 'Maximum workers', 'int', 'Upper bound when scaling up under load (1–64).', { unit: 'workers', group: 'Size' }),
  pool('loadBalancingStrategy', 'Load balancing', 'enum', 'How a message picks its worker. p2c-ewma weighs in-flight work and latency.', {
    options: STRATEGY_NAMES,
    group: 'Size',
  }),
  pool('scaleUpQueueThreshold', 'Scale-up threshold', 'int', 'Queued messages that trigger adding a worker.', { unit: 'messages', group: 'Size' }),
  pool('idleTimeout', 'Idle timeout', 'int', 'How long an extra worker above the minimum may stay idle before it stops.', { unit: 'ms', group: 'Size' }),
  pool('messageQueueSize', 'Pool queue size', 'int', 'Messages waiting for a worker; beyond this, submits are refused (backpressure).', {
    unit: 'messages',
    group: 'Queues and concurrency',
  }),
  pool('concurrencyPerWorker', 'Concurrency per worker', 'int', 'Messages one worker runs at once, each on its own greenlet.', {
    unit: 'messages',
    group: 'Queues and concurrency',
  }),
  pool('workerQueueSize', 'Worker queue size', 'int', "Bound of the Python worker's own queue.", { unit: 'messages', group: 'Queues and concurrency' }),
  pool('queueTimeout', 'Queue timeout', 'int', 'Longest wait in the pool queue; 0 = no limit.', { unit: 'ms', group: 'Queues and concurrency' }),
  pool('timeout', 'Run timeout', 'int', 'Run deadline per message; the greenlet is killed past it.', { unit: 'ms', group: 'Queues and concurrency' }),
  pool('maxRetries', 'Max retries', 'int', 'Attempts after a worker crash before the message counts as poison (0–20).', { unit: 'retries', group: 'Failures' }),
  pool('retryDelay', 'Retry delay', 'int', 'Base of the exponential backoff between retries.', { unit: 'ms', group: 'Failures' }),
  pool('restartOnFailure', 'Restart on failure', 'bool', 'Replace a worker that crashed.', { group: 'Failures' }),
  pool('healthCheckInterval', 'Health check interval', 'int', 'How often each worker is pinged (min 100).', { unit: 'ms', group: 'Health' }),
  pool('healthCheckTimeout', 'Health check timeout', 'int', 'A ping slower than this marks the worker’s loop as blocked (min 100).', { unit: 'ms', group: 'Health' }),
  pool('drainTimeout', 'Drain timeout', 'int', 'Graceful drain before a stopping worker is killed.', { unit: 'ms', group: 'Health' }),
  pool('workerRecycleInterval', 'Recycle after age', 'int', 'Maximum worker age; 0 = off.', { unit: 'ms', group: 'Recycling' }),
  pool('workerRecycleJitter', 'Age jitter', 'int', 'Random 0..jitter added per worker so they do not all recycle together.', { unit: 'ms', group: 'Recycling' }),
  pool('maxMessagesPerWorker', 'Recycle after messages', 'int', 'Messages before a worker is recycled; 0 = off.', { unit: 'messages', group: 'Recycling' }),
  pool('maxMessagesJitter', 'Messages jitter', 'int', 'Random 0..jitter added per worker.', { unit: 'messages', group: 'Recycling' }),
  pool('maxWorkerMemoryMB', 'Memory limit', 'int', 'Recycle a worker whose RSS passes this; 0 = off.', { unit: 'MB', group: 'Recycling' }),
  pool('agent', 'Agent class', 'string', 'Python class as "package.module:ClassName".', { group: 'Agent' }),
  pool('agentId', 'Agent id', 'string', 'Overrides the class default; empty = class default.', { optional: true, group: 'Agent' }),
  pool('capabilities', 'Capabilities', 'list', 'Comma-separated; empty = class default.', { optional: true, group: 'Agent' }),
  pool('pythonPath', 'Python interpreter', 'string', 'Empty = GREENLET_PYTHON, then python/.venv, then python3.', { optional: true, group: 'Agent' }),
  pool('pythonPaths', 'Extra PYTHONPATH', 'list', 'Comma-separated folders holding your agent packages.', { group: 'Agent' }),
];

const alert = (key: string, label: string, kind: FieldKind, help: string, unit?: string): FieldMeta => ({
  section: 'alerts',
  key,
  label,
  kind,
  help,
  unit,
});

export const ALERT_FIELDS: FieldMeta[] = [
  alert('noHealthyWorkers', 'No healthy workers', 'bool', 'Critical when no worker is healthy.'),
  alert('errorRatePct', 'Error rate above', 'number', 'Critical when this share of messages fails.', '%'),
  alert('avgResponseTimeMs', 'Average response time above', 'number', 'Critical when the pool’s average latency passes this.', 'ms'),
  alert('availableWorkersPct', 'Available workers below', 'number', 'Warning when fewer workers have spare capacity.', '% of total'),
  alert('workerAgeHours', 'Worker older than', 'number', 'Warning for a worker running longer than this.', 'hours'),
  alert('queueFillPct', 'Queue fuller than', 'number', 'Warning when the pool queue fills past this.', '%'),
  alert('hysteresisPct', 'Hysteresis', 'number', 'An alert clears once the value is back past the threshold by this share.', '%'),
  alert('raiseAfterSamples', 'Raise after', 'int', 'Consecutive samples over the threshold before raising.', 'samples'),
  alert('desktopNotifications', 'Desktop notifications', 'bool', 'Critical alerts notify the desktop (Electron only).'),
];

export const SAMPLING_FIELDS: FieldMeta[] = [
  { section: 'sampling', key: 'intervalMs', label: 'Sampling interval', kind: 'int', unit: 'ms', help: 'How often metrics are sampled (min 100).' },
  { section: 'sampling', key: 'persistIntervalMs', label: 'Persist interval', kind: 'int', unit: 'ms', help: 'How often history is saved to disk.' },
];

export const fieldPath = (f: FieldMeta) => `${f.section}.${f.key}`;
export const ALL_FIELDS = [...POOL_FIELDS, ...ALERT_FIELDS, ...SAMPLING_FIELDS];
