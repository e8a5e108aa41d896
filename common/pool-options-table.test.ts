// Adding a pool option is one entry in common/pool-options-table.ts: these tests
// hold the engine's checks and defaults and the config schema to that table, so
// an entry that one side misses, or a bound the two sides disagree on, fails here.
// (The form's side: renderer/src/lib/configFields.test.ts.)
import { describe, expect, it } from 'vitest';
import {
  MAX_TIMER_MS,
  POOL_OPTION_ENTRIES,
  POOL_OPTION_TABLE,
  POOL_RULES,
  STRATEGIES,
  STRATEGY_TABLE,
  type PoolOptionName,
} from './pool-options-table';
import { appConfigSchema, defaultConfig } from './schemas';
import { DEFAULT_OPTIONS, RESTART_FIELDS, mergeOptions, resolveOptions, type PoolOptions } from '../main/pool/index';

const CONFIG_ENTRIES = POOL_OPTION_ENTRIES.filter(([, s]) => !s.engineOnly);
// A neutral base: no cross-option rule fires on its own when one value moves to a bound.
const BASE = { ...defaultConfig().pool, minWorkers: 1, maxWorkers: 64, maxRetries: 0, workerRecycleJitter: 0 };

/** The option the engine names when it refuses `patch` over BASE, or null when it accepts. */
function engineRefuses(patch: Record<string, unknown>): string | null {
  try {
    mergeOptions(resolveOptions(BASE), patch as Partial<PoolOptions>);
    return null;
  } catch (e) {
    expect((e as { code: string }).code).toBe('ERR_INVALID_OPTION');
    return (e as { details: { option: string } }).details.option;
  }
}

/** The pool options the config schema names when it refuses `patch` over BASE. */
function schemaRefuses(patch: Record<string, unknown>): string[] {
  const r = appConfigSchema.safeParse({ pool: { ...BASE, ...patch } });
  return r.success ? [] : r.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [String(i.path[1])]));
}

/** Values just past each bound of an option, and values at its bounds (which must pass). */
function probes(name: PoolOptionName): { past: unknown[]; at: unknown[] } {
  const spec = POOL_OPTION_TABLE[name];
  switch (spec.type) {
    case 'int': {
      const max = 'max' in spec ? spec.max : Number.MAX_SAFE_INTEGER;
      return { past: [spec.min - 1, max + 1, spec.min + 0.5, '1'], at: [spec.min, max] };
    }
    case 'bool':
      return { past: ['yes', 1], at: [true, false] };
    case 'strategy':
      return { past: ['fastest', ''], at: [...STRATEGIES] };
    case 'text':
      return { past: ['', 7, ...('pattern' in spec ? ['no pattern here'] : [])], at: ['pattern' in spec ? 'pkg.mod:Cls' : 'x'] };
    case 'list':
      return { past: [[''], 'a,b', [1]], at: [[], ['a', 'b']] };
    case 'env':
      return { past: [{ A: 1 }, []], at: [{ A: 'b' }] };
  }
}

describe('the pool option table', () => {
  it('every entry is in the config schema, and in DEFAULT_OPTIONS exactly when it has a default', () => {
    const config = defaultConfig().pool as Record<string, unknown>;
    for (const [name, spec] of POOL_OPTION_ENTRIES) {
      const hasDefault = 'default' in spec;
      expect(name in DEFAULT_OPTIONS, name).toBe(hasDefault);
      if (hasDefault) expect((DEFAULT_OPTIONS as Record<string, unknown>)[name], name).toEqual(spec.default);
      if (spec.engineOnly) {
        expect(schemaRefuses({ [name]: probes(name).at[0] }), `${name} is not a config setting`).toEqual([name]);
        continue;
      }
      // a config default is the engine default; an option without one is accepted when given and left unset otherwise
      expect(config[name], name).toEqual(hasDefault ? spec.default : undefined);
      expect(schemaRefuses({ [name]: probes(name).at[0] }), name).toEqual([]);
    }
    expect(Object.keys(config).sort()).toEqual(
      CONFIG_ENTRIES.filter(([, s]) => 'default' in s)
        .map(([n]) => n)
        .sort(),
    );
  });

  it.each(POOL_OPTION_ENTRIES.map(([n]) => n))('%s: a value just past a bound is refused by the engine and the schema, naming it', (name) => {
    const { past, at } = probes(name);
    const schemaToo = !('engineOnly' in POOL_OPTION_TABLE[name]);
    for (const v of past) {
      expect(engineRefuses({ [name]: v }), `engine, ${JSON.stringify(v)}`).toBe(name);
      if (schemaToo) expect(schemaRefuses({ [name]: v }), `schema, ${JSON.stringify(v)}`).toContain(name);
    }
    for (const v of at) {
      expect(engineRefuses({ [name]: v }), `engine, ${JSON.stringify(v)}`).not.toBe(name);
      if (schemaToo) expect(schemaRefuses({ [name]: v }), `schema, ${JSON.stringify(v)}`).not.toContain(name);
    }
  });

  // Each cross-option rule needs an example here; a rule added without one fails the first test.
  const BREAKS: Record<string, Record<string, unknown>> = {
    minWorkers: { minWorkers: 5, maxWorkers: 3 },
    workerRecycleInterval: { workerRecycleInterval: MAX_TIMER_MS - 10, workerRecycleJitter: 11 },
    retryDelay: { retryDelay: 5_000, maxRetries: 20 },
  };
  it('every cross-option rule has an example', () => {
    expect(POOL_RULES.map((r) => r.option).sort()).toEqual(Object.keys(BREAKS).sort());
  });
  it.each(POOL_RULES.map((r) => [r.option, r] as const))('rule on %s: the engine and the schema both refuse a breach, naming it', (option, rule) => {
    const patch = BREAKS[option]!;
    expect(engineRefuses(patch)).toBe(option);
    expect(schemaRefuses(patch)).toEqual([option]);
    const r = appConfigSchema.safeParse({ pool: { ...BASE, ...patch } });
    expect(!r.success && r.error.issues[0]?.message).toBe(`${option} ${rule.why}`);
  });

  it('RESTART_FIELDS are the entries marked restartsWorkers', () => {
    expect([...RESTART_FIELDS].sort()).toEqual(
      POOL_OPTION_ENTRIES.filter(([, s]) => s.restartsWorkers)
        .map(([n]) => n)
        .sort(),
    );
  });

  it('every strategy has a label and a description, and the schema and the engine take it', () => {
    expect(STRATEGIES).toEqual(STRATEGY_TABLE.map((s) => s.name));
    for (const s of STRATEGY_TABLE) {
      expect(s.label.length * s.description.length, s.name).toBeGreaterThan(0);
      expect(engineRefuses({ loadBalancingStrategy: s.name })).toBeNull();
      expect(schemaRefuses({ loadBalancingStrategy: s.name })).toEqual([]);
    }
  });
});

describe('engine option checks derived from the table', () => {
  it('a "__proto__" key is refused by name, not merged into the prototype', () => {
    const partial = JSON.parse('{"__proto__": {"minWorkers": 1}}') as Partial<PoolOptions>;
    expect(() => resolveOptions(partial)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', details: { option: '__proto__' } }));
  });

  it('a defaulted jitter that would push the recycle age past a Node timer is refused (it would fire after 1 ms)', () => {
    expect(() => resolveOptions({ workerRecycleInterval: 2_100_000_000 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', details: { option: 'workerRecycleInterval' } }),
    );
    expect(resolveOptions({ workerRecycleInterval: 2_100_000_000, workerRecycleJitter: 0 }).workerRecycleInterval).toBe(2_100_000_000);
  });
});

describe('the agent reference in the config schema', () => {
  // one pattern (AGENT_PATTERN): the engine's side is main/pool/worker/adapter-options.test.ts
  it.each(['.echo_agent:EchoAgent', 'echo_agent..x:EchoAgent', 'echo_agent.EchoAgent'])('refuses %s', (agent) => {
    expect(appConfigSchema.safeParse({ ...defaultConfig(), pool: { ...defaultConfig().pool, agent } }).success).toBe(false);
  });
});
