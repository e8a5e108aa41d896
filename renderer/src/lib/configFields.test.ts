// The pool form is derived from the option table: an entry appears as a field
// with its label, help, unit and group, and nothing else has to be written.
import { describe, expect, it } from 'vitest';
import { POOL_OPTION_ENTRIES, STRATEGY_TABLE } from '../../../common/pool-options-table';
import { defaultConfig } from '../../../common/schemas';
import { checkDraft, draftFromConfig } from './configDraft';
import { ALL_FIELDS, POOL_FIELDS } from './configFields';

const config = defaultConfig();

describe('pool form fields', () => {
  it('every operator-settable option of the table is a field with a label, help and group; engine-only ones are not', () => {
    const byKey = new Map(POOL_FIELDS.map((f) => [f.key, f]));
    for (const [name, spec] of POOL_OPTION_ENTRIES) {
      const f = byKey.get(name);
      if (spec.engineOnly) {
        expect(f, name).toBeUndefined();
        continue;
      }
      expect(f, name).toMatchObject({ section: 'pool', label: spec.label, group: spec.group });
      expect(f?.unit, name).toBe(spec.unit);
      expect(f?.help.startsWith(spec.help), name).toBe(true);
      expect(f?.optional ?? false, name).toBe(!('default' in spec));
    }
    expect(POOL_FIELDS).toHaveLength(POOL_OPTION_ENTRIES.filter(([, s]) => !s.engineOnly).length);
  });

  it('help tells the bounds from the table, so they are written once', () => {
    const help = (k: string) => POOL_FIELDS.find((f) => f.key === k)?.help;
    expect(help('maxWorkers')).toBe('Upper bound when scaling up under load. (1–64)');
    expect(help('healthCheckInterval')).toMatch(/\(min 100\)$/);
    expect(help('timeout')).not.toMatch(/2147483647/);
  });

  it('the strategy field offers every strategy of the table with its label and description', () => {
    const f = POOL_FIELDS.find((x) => x.key === 'loadBalancingStrategy');
    expect(f?.kind).toBe('enum');
    expect(f?.options).toEqual(STRATEGY_TABLE.map((s) => ({ value: s.name, label: s.label, description: s.description })));
  });

  it('a value past a table bound is an error on its field in the form', () => {
    const draft = { ...draftFromConfig(config, ALL_FIELDS), 'pool.concurrencyPerWorker': '100001', 'pool.minWorkers': '65' };
    const c = checkDraft(config, draft, ALL_FIELDS);
    expect(c.errors['pool.concurrencyPerWorker']).toBe('Must be at most 100000');
    expect(c.errors['pool.minWorkers']).toBe('Must be at most 64');
  });
});
