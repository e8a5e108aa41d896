// The pool's options and strategies, one entry each (gunicorn: one class per
// setting). Everything else is derived from these tables: the PoolOptions type,
// the engine's checks and DEFAULT_OPTIONS and RESTART_FIELDS (main/pool/options.ts),
// the config schema (common/pool-schema.ts), the API's scale() input and the
// form (renderer/src/lib/configFields.ts). Adding an option is one entry here
// plus the engine code that uses it; adding a strategy is one entry plus its
// Picker in main/pool/dispatch/strategies.ts. docs/pool.md, "Options: one table".
//
// Pure data: no imports at all, so the engine (plain Node), the preload and the
// renderer can all load it (no zod, no node:*, no DOM, no electron).

// Node fires any timer longer than 2^31-1 ms (~24.8 days) after 1 ms, so a larger
// duration would turn "once a month" into "every millisecond" (recycle loops,
// health-check storms). Every duration stops here.
export const MAX_TIMER_MS = 2_147_483_647;

export const STRATEGY_TABLE = [
  { name: 'round-robin', label: 'Round robin', description: 'Each message goes to the next worker in turn.' },
  { name: 'least-busy', label: 'Least busy', description: 'The worker with the fewest messages in flight.' },
  { name: 'random', label: 'Random', description: 'Any worker with spare capacity, uniformly at random.' },
  {
    name: 'p2c-ewma',
    label: 'Lowest expected wait (P2C-EWMA)',
    description: 'Lowest messages in flight × average run time (EWMA); above 8 workers, the better of two random picks.',
  },
] as const satisfies readonly { name: string; label: string; description: string }[];

export type StrategyName = (typeof STRATEGY_TABLE)[number]['name'];
// The names as a tuple type (z.enum wants one), mapped from the table in order.
type Names<T extends readonly { name: string }[]> = { readonly [I in keyof T]: T[I] extends { name: infer N } ? N : never };
export const STRATEGIES = STRATEGY_TABLE.map((s) => s.name) as unknown as Names<typeof STRATEGY_TABLE>;

/** Form sections, in the order the form shows them. */
export const OPTION_GROUPS = ['Size', 'Queues and concurrency', 'Failures', 'Health', 'Recycling', 'Agent'] as const;
export type OptionGroup = (typeof OPTION_GROUPS)[number];

interface Common {
  label: string;
  help: string; // one line for the form; the bounds are added from min/max, do not repeat them here
  group: OptionGroup;
  unit?: string;
  /** Baked into the worker's spawn (argv, --config, env): changing it means new worker processes. */
  restartsWorkers?: true;
  /** Set only by code that embeds the engine: not part of config.json, the API or the form. */
  engineOnly?: true;
}
/** A whole number in [min, max] (max: none beyond JS's safe integers). */
export interface IntSpec extends Common {
  type: 'int';
  default: number;
  min: number;
  max?: number;
}
export interface BoolSpec extends Common {
  type: 'bool';
  default: boolean;
}
export interface StrategySpec extends Common {
  type: 'strategy';
  default: StrategyName;
}
/** A non-empty string; without a default it is optional (unset = the engine decides). */
export interface TextSpec extends Common {
  type: 'text';
  default?: string;
  pattern?: { re: RegExp; says: string };
}
/** Non-empty strings; without a default it is optional. The form takes them comma-separated. */
export interface ListSpec extends Common {
  type: 'list';
  default?: readonly string[];
}
/** String → string map (environment variables for the workers). Always optional. */
export interface EnvSpec extends Common {
  type: 'env';
}
export type OptionSpec = IntSpec | BoolSpec | StrategySpec | TextSpec | ListSpec | EnvSpec;

/**
 * The one agent reference form, "package.module:ClassName": dotted Python identifiers, a colon,
 * one class name. The engine (main/pool/worker/adapter-options.ts), the agent check
 * (main/control/config/agent-validate.ts), the config schema and the Python worker
 * (python/greenlet_a2a/settings.py, same pattern) all test this one; docs/adapter.md.
 */
export const AGENT_PATTERN = {
  re: /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$/,
  says: 'must look like "package.module:ClassName"',
} as const;

// Order = the form's order within each group.
export const POOL_OPTION_TABLE = {
  // Size
  minWorkers: {
    type: 'int',
    default: 2,
    min: 1,
    max: 64,
    unit: 'workers',
    group: 'Size',
    label: 'Minimum workers',
    help: 'Workers kept running even when idle.',
  },
  maxWorkers: {
    type: 'int',
    default: 10,
    min: 1,
    max: 64,
    unit: 'workers',
    group: 'Size',
    label: 'Maximum workers',
    help: 'Upper bound when scaling up under load.',
  },
  loadBalancingStrategy: {
    type: 'strategy',
    default: 'round-robin',
    group: 'Size',
    label: 'Load balancing',
    help: 'How a message picks its worker.',
  },
  scaleUpQueueThreshold: {
    type: 'int',
    default: 1,
    min: 1,
    unit: 'messages',
    group: 'Size',
    label: 'Scale-up threshold',
    help: 'Queued messages that trigger adding a worker.',
  },
  idleTimeout: {
    type: 'int',
    default: 30_000,
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Size',
    label: 'Idle timeout',
    help: 'How long an extra worker above the minimum may stay idle before it stops.',
  },
  // Queues and concurrency
  messageQueueSize: {
    type: 'int',
    default: 100,
    min: 1,
    unit: 'messages',
    group: 'Queues and concurrency',
    label: 'Pool queue size',
    help: 'Messages waiting for a worker; beyond this, submits are refused (backpressure).',
  },
  concurrencyPerWorker: {
    type: 'int',
    default: 100,
    min: 1,
    max: 100_000,
    unit: 'messages',
    group: 'Queues and concurrency',
    label: 'Concurrency per worker',
    help: 'Messages one worker runs at once, each on its own greenlet.',
    restartsWorkers: true,
  },
  workerQueueSize: {
    type: 'int',
    default: 100,
    min: 0,
    unit: 'messages',
    group: 'Queues and concurrency',
    label: 'Worker queue size',
    help: "Bound of the Python worker's own queue.",
    restartsWorkers: true,
  },
  queueTimeout: {
    type: 'int',
    default: 0,
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Queues and concurrency',
    label: 'Queue timeout',
    help: 'Longest wait in the pool queue; 0 = no limit.',
  },
  timeout: {
    type: 'int',
    default: 30_000,
    min: 1,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Queues and concurrency',
    label: 'Run timeout',
    help: 'Run deadline per message; the greenlet is killed past it.',
  },
  // Failures
  maxRetries: {
    type: 'int',
    default: 3,
    min: 0,
    max: 20,
    unit: 'retries',
    group: 'Failures',
    label: 'Max retries',
    help: 'Attempts after a worker crash before the message counts as poison.',
  },
  retryDelay: {
    type: 'int',
    default: 1000,
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Failures',
    label: 'Retry delay',
    help: 'Base of the exponential backoff between retries.',
  },
  restartOnFailure: { type: 'bool', default: true, group: 'Failures', label: 'Restart on failure', help: 'Replace a worker that crashed.' },
  // Health
  // 1 s pings and a 3 s limit catch a blocked hub within 4 s (suspect after 1 s unanswered); a
  // busy worker is never killed for a slow ping while its pipes move (docs/pool.md, "Health").
  healthCheckInterval: {
    type: 'int',
    default: 1_000,
    min: 100,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Health',
    label: 'Health check interval',
    help: 'How often each worker is pinged.',
  },
  healthCheckTimeout: {
    type: 'int',
    default: 3_000,
    min: 100,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Health',
    label: 'Health check timeout',
    help: 'A ping unanswered this long, with no pipe traffic, marks the worker’s loop as blocked.',
  },
  drainTimeout: {
    type: 'int',
    default: 30_000,
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Health',
    label: 'Drain timeout',
    help: 'Graceful drain before a stopping worker is killed.',
  },
  // Recycling. The engine defaults each jitter to 10 % of its base when not given (see JITTER_OF).
  workerRecycleInterval: {
    type: 'int',
    default: 3_600_000,
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Recycling',
    label: 'Recycle after age',
    help: 'Maximum worker age; 0 = off.',
  },
  workerRecycleJitter: {
    type: 'int',
    default: 360_000,
    min: 0,
    max: MAX_TIMER_MS,
    unit: 'ms',
    group: 'Recycling',
    label: 'Age jitter',
    help: 'Random 0..jitter added per worker so they do not all recycle together.',
  },
  maxMessagesPerWorker: {
    type: 'int',
    default: 10_000,
    min: 0,
    unit: 'messages',
    group: 'Recycling',
    label: 'Recycle after messages',
    help: 'Messages before a worker is recycled; 0 = off.',
  },
  maxMessagesJitter: {
    type: 'int',
    default: 1_000,
    min: 0,
    unit: 'messages',
    group: 'Recycling',
    label: 'Messages jitter',
    help: 'Random 0..jitter added per worker.',
  },
  maxWorkerMemoryMB: {
    type: 'int',
    default: 0,
    min: 0,
    unit: 'MB',
    group: 'Recycling',
    label: 'Memory limit',
    help: 'Recycle a worker whose RSS passes this; 0 = off.',
  },
  // Agent: what a worker process loads
  agent: {
    type: 'text',
    default: 'echo_agent:EchoAgent',
    pattern: AGENT_PATTERN,
    group: 'Agent',
    label: 'Agent class',
    help: 'Python class as "package.module:ClassName".',
    restartsWorkers: true,
  },
  agentId: { type: 'text', group: 'Agent', label: 'Agent id', help: 'Overrides the class default; empty = class default.', restartsWorkers: true },
  capabilities: { type: 'list', group: 'Agent', label: 'Capabilities', help: 'Comma-separated; empty = class default.', restartsWorkers: true },
  pythonPath: {
    type: 'text',
    group: 'Agent',
    label: 'Python interpreter',
    help: 'Empty = GREENLET_PYTHON, then python/.venv, then python3.',
    restartsWorkers: true,
  },
  pythonPaths: {
    type: 'list',
    default: [],
    group: 'Agent',
    label: 'Extra PYTHONPATH',
    help: 'Comma-separated folders holding your agent packages.',
    restartsWorkers: true,
  },
  env: {
    type: 'env',
    engineOnly: true,
    group: 'Agent',
    label: 'Environment',
    help: 'Extra environment variables for the worker processes.',
    restartsWorkers: true,
  },
} as const satisfies Record<string, OptionSpec>;

type Table = typeof POOL_OPTION_TABLE;
export type PoolOptionName = keyof Table;
type ValueOf<S> = S extends { type: 'int' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'strategy' }
      ? StrategyName
      : S extends { type: 'text' }
        ? string
        : S extends { type: 'list' }
          ? string[]
          : S extends { type: 'env' }
            ? Record<string, string>
            : never;
type RequiredName = { [K in PoolOptionName]: Table[K] extends { default: unknown } ? K : never }[PoolOptionName];
type OptionalName = Exclude<PoolOptionName, RequiredName>;
type Flat<T> = { [K in keyof T]: T[K] };

/** The engine's options: an entry with a default is required, one without is optional. */
export type PoolOptions = Flat<{ [K in RequiredName]: ValueOf<Table[K]> } & { [K in OptionalName]?: ValueOf<Table[K]> }>;
export type EngineOnlyName = { [K in PoolOptionName]: Table[K] extends { engineOnly: true } ? K : never }[PoolOptionName];
/** The `pool` section of config.json: every option but the engine-only ones. */
export type PoolConfig = Flat<Omit<PoolOptions, EngineOnlyName>>;

/** Entries in table order, typed as the general spec. */
export const POOL_OPTION_ENTRIES = Object.entries(POOL_OPTION_TABLE) as [PoolOptionName, OptionSpec][];

/** Jitters whose engine default is 10 % of their base (so workers do not all recycle together). */
export const JITTER_OF: Readonly<Partial<Record<PoolOptionName, PoolOptionName>>> = {
  workerRecycleJitter: 'workerRecycleInterval',
  maxMessagesJitter: 'maxMessagesPerWorker',
};

/** Checks over several options, applied by the engine and the config schema alike. */
export interface PoolRule {
  option: PoolOptionName; // the one an error names
  uses: readonly PoolOptionName[]; // judged only once each of these passed its own check
  why: string; // message after the option's name
  holds(o: PoolConfig): boolean;
}
/**
 * The retry backoff window before retry number `attempt` (attempts already made): it doubles
 * per attempt. main/pool/retry-policy.ts draws each wait from its upper half; the retryDelay
 * rule below bounds the last window. Here so the engine and the schema share one formula.
 */
export const backoffWindow = (attempt: number, base: number): number => base * 2 ** attempt;

export const POOL_RULES: readonly PoolRule[] = [
  { option: 'minWorkers', uses: ['minWorkers', 'maxWorkers'], why: 'must not exceed maxWorkers', holds: (o) => o.minWorkers <= o.maxWorkers },
  // The pool arms these as one timer each: the recycle age with its jitter, the last retry's backoff window.
  {
    option: 'workerRecycleInterval',
    uses: ['workerRecycleInterval', 'workerRecycleJitter'],
    why: `+ workerRecycleJitter must not exceed ${MAX_TIMER_MS} ms (~24.8 days)`,
    holds: (o) => o.workerRecycleInterval + o.workerRecycleJitter <= MAX_TIMER_MS,
  },
  {
    option: 'retryDelay',
    uses: ['retryDelay', 'maxRetries'],
    why: `doubled for each of maxRetries retries must stay under ${MAX_TIMER_MS} ms (~24.8 days)`,
    holds: (o) => o.maxRetries < 1 || backoffWindow(o.maxRetries, o.retryDelay) <= MAX_TIMER_MS,
  },
];

/**
 * Why `value` is not acceptable for `spec`, or null. The engine's error text; the
 * config schema reports its own wording (the form shows "Must be at most 64").
 */
export function optionProblem(spec: OptionSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'int': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be an integer, got ${String(value)}`;
      if (value < spec.min) return `must be >= ${spec.min}, got ${value}`;
      // zod's int() stops at the largest safe integer too: beyond it, n + 1 === n
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      return value > max ? `must be <= ${max}, got ${value}` : null;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'strategy':
      return (STRATEGIES as readonly unknown[]).includes(value) ? null : `must be one of ${STRATEGIES.join(', ')}, got ${String(value)}`;
    case 'text':
      if (typeof value !== 'string' || value === '')
        return spec.pattern ? `${spec.pattern.says}, got ${String(value)}` : 'must be a non-empty string';
      return spec.pattern && !spec.pattern.re.test(value) ? `${spec.pattern.says}, got ${value}` : null;
    case 'list':
      return Array.isArray(value) && value.every((s) => typeof s === 'string' && s.length > 0) ? null : 'must be an array of non-empty strings';
    case 'env':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
      for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') return `value of ${k} must be a string`;
      return null;
  }
}

/** "(1–64)", "(min 100)" or "": the bounds worth telling an operator (durations up to MAX_TIMER_MS are not). */
export function boundsHint(spec: OptionSpec): string {
  if (spec.type !== 'int') return '';
  if (spec.max !== undefined && spec.max < MAX_TIMER_MS) return `(${spec.min}–${spec.max})`;
  return spec.min > 1 ? `(min ${spec.min})` : '';
}
