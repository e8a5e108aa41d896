// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { checkDraft, draftFromConfig, issuesByPath, parseField } from './configDraft';
import { ALL_FIELDS, POOL_FIELDS } from './configFields';

const config = defaultConfig();
const fresh = () => draftFromConfig(config, ALL_FIELDS);

describe('config draft', () => {
  it('covers every pool setting of the schema with a field', () => {
    const keys = POOL_FIELDS.map((f) => f.key).sort();
    expect(keys).toEqual(Object.keys(config.pool).concat(['agentId', 'capabilities', 'pythonPath']).sort());
  });

  it('an untouched draft is valid and changes nothing', () => {
    const c = checkDraft(config, fresh(), ALL_FIELDS);
    expect(c).toEqual({ patch: {}, changed: [], errors: {}, valid: true });
  });

  it('a changed value becomes a typed patch of that field only', () => {
    const c = checkDraft(config, { ...fresh(), 'pool.maxWorkers': '12', 'pool.loadBalancingStrategy': 'least-busy' }, ALL_FIELDS);
    expect(c.valid).toBe(true);
    expect(c.patch).toEqual({ pool: { maxWorkers: 12, loadBalancingStrategy: 'least-busy' } });
    expect(c.changed.sort()).toEqual(['pool.loadBalancingStrategy', 'pool.maxWorkers']);
  });

  it('schema errors land on their field: max above 64, min above max', () => {
    expect(checkDraft(config, { ...fresh(), 'pool.maxWorkers': '500' }, ALL_FIELDS).errors['pool.maxWorkers']).toBe('Must be at most 64');
    expect(checkDraft(config, { ...fresh(), 'pool.healthCheckInterval': '50' }, ALL_FIELDS).errors['pool.healthCheckInterval']).toBe(
      'Must be at least 100',
    );
    const c = checkDraft(config, { ...fresh(), 'pool.minWorkers': '9', 'pool.maxWorkers': '3' }, ALL_FIELDS);
    expect(c.valid).toBe(false);
    expect(c.errors['pool.minWorkers']).toBe('minWorkers must not exceed maxWorkers');
  });

  it('text that is not a number is refused before the schema sees it', () => {
    expect(
      parseField(
        POOL_FIELDS.find((f) => f.key === 'timeout')!,
        '3s',
      ),
    ).toEqual({ ok: false, message: 'Must be a number' });
    expect(
      parseField(
        POOL_FIELDS.find((f) => f.key === 'timeout')!,
        '2.5',
      ),
    ).toEqual({ ok: false, message: 'Must be a whole number' });
    const c = checkDraft(config, { ...fresh(), 'pool.timeout': '' }, ALL_FIELDS);
    expect(c.errors['pool.timeout']).toBe('Required');
  });

  it('the agent field uses the schema’s own message', () => {
    const c = checkDraft(config, { ...fresh(), 'pool.agent': 'not an agent' }, ALL_FIELDS);
    expect(c.errors['pool.agent']).toMatch(/package\.module:ClassName/);
  });

  it('lists split on commas; an empty optional field is unset', () => {
    const c = checkDraft(config, { ...fresh(), 'pool.pythonPaths': '/a, /b', 'pool.agentId': '' }, ALL_FIELDS);
    expect(c.patch).toEqual({ pool: { pythonPaths: ['/a', '/b'] } });
  });

  it('server issues are keyed by their dotted path', () => {
    expect(
      issuesByPath([
        { path: 'pool.minWorkers', message: 'x' },
        { path: 'pool.minWorkers', message: 'y' },
      ]),
    ).toEqual({ 'pool.minWorkers': 'x' });
  });
});
