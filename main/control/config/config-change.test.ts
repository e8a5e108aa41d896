// One diff per settings change: the preview's entries, the live pool patch and the restart
// decision all come from it.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { planConfigChange } from './config-change';

const ctx = { dataDir: '/no/such/data' };

describe('planConfigChange', () => {
  it('patches the pool with exactly the pool entries of the diff, and restarts for the diff restart fields', () => {
    const plan = planConfigChange(
      defaultConfig(),
      { pool: { concurrencyPerWorker: 7, agent: 'noisy_agent:NoisyAgent' }, sampling: { intervalMs: 2_000 } },
      ctx,
    );
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    const { diff, poolPatch, restartRequired, applied, launchKey } = plan.change;
    expect(diff.map((d) => d.path).sort()).toEqual(['pool.agent', 'pool.concurrencyPerWorker', 'sampling.intervalMs']);
    expect(poolPatch).toEqual({ concurrencyPerWorker: 7, agent: 'noisy_agent:NoisyAgent' });
    expect(restartRequired.sort()).toEqual(
      diff
        .filter((d) => d.restartRequired)
        .map((d) => d.path)
        .sort(),
    );
    expect([...applied, ...restartRequired].sort()).toEqual(diff.map((d) => d.path).sort());
    expect(launchKey).toBe('agent');
  });

  it('an unchanged value makes no diff and no pool patch', () => {
    const config = defaultConfig();
    const plan = planConfigChange(config, { pool: { maxWorkers: config.pool.maxWorkers } }, ctx);
    expect(plan.ok && plan.change.diff).toEqual([]);
    expect(plan.ok && plan.change.poolPatch).toEqual({});
  });

  it('an invalid patch is reported by field, nothing planned', () => {
    const plan = planConfigChange(defaultConfig(), { pool: { maxWorkers: 0 } }, ctx);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.issues.map((i) => i.path)).toContain('pool.maxWorkers');
  });
});
