// Options are validated up front; each rule has its own test and the error names the option.
import { describe, expect, it } from 'vitest';
import { GreenletProcessPool } from './pool';
import { DEFAULT_OPTIONS, resolveOptions } from './options';
import type { PoolOptions } from './types';

function invalid(opts: Record<string, unknown>): { code: string; option: string; message: string } {
  try {
    new GreenletProcessPool(opts as Partial<PoolOptions>);
  } catch (e) {
    const err = e as { code: string; message: string; details: { option: string } };
    return { code: err.code, option: err.details.option, message: err.message };
  }
  throw new Error('constructor accepted invalid options');
}

describe('pool options', () => {
  it('defaults follow the spec', () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      minWorkers: 2,
      maxWorkers: 10,
      loadBalancingStrategy: 'round-robin',
      messageQueueSize: 100,
      maxRetries: 3,
      retryDelay: 1000,
      healthCheckInterval: 1_000,
      healthCheckTimeout: 3_000,
      restartOnFailure: true,
      workerRecycleInterval: 3_600_000,
      maxMessagesPerWorker: 10_000,
      timeout: 30_000,
      concurrencyPerWorker: 100,
      agent: 'echo_agent:EchoAgent',
    });
    expect(o.workerRecycleJitter).toBe(360_000);
    expect(o.maxMessagesJitter).toBe(1_000);
  });

  it('jitter defaults to 10 % of the base it varies', () => {
    const o = resolveOptions({ workerRecycleInterval: 1000, maxMessagesPerWorker: 50 });
    expect(o.workerRecycleJitter).toBe(100);
    expect(o.maxMessagesJitter).toBe(5);
  });

  it('rejects minWorkers > maxWorkers', () => {
    const e = invalid({ minWorkers: 5, maxWorkers: 2 });
    expect(e.code).toBe('ERR_INVALID_OPTION');
    expect(e.option).toBe('minWorkers');
    expect(e.message).toMatch(/maxWorkers/);
  });

  it('rejects an unknown strategy', () => {
    const e = invalid({ loadBalancingStrategy: 'fastest' });
    expect(e).toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'loadBalancingStrategy' });
    expect(e.message).toMatch(/round-robin/);
  });

  it.each([
    ['messageQueueSize', -1],
    ['maxRetries', -1],
    ['retryDelay', -5],
    ['workerQueueSize', -1],
    ['maxMessagesPerWorker', -10],
    ['queueTimeout', -1],
  ])('rejects negative %s', (name, value) => {
    expect(invalid({ [name]: value })).toMatchObject({ code: 'ERR_INVALID_OPTION', option: name });
  });

  it.each([
    ['minWorkers', 1.5],
    ['concurrencyPerWorker', 2.5],
    ['timeout', Number.NaN],
    ['healthCheckInterval', '1000'],
  ])('rejects non-integer %s', (name, value) => {
    const e = invalid({ [name]: value });
    expect(e).toMatchObject({ code: 'ERR_INVALID_OPTION', option: name });
    expect(e.message).toMatch(/integer/);
  });

  it.each(['timeout', 'workerRecycleInterval', 'healthCheckInterval', 'retryDelay', 'idleTimeout', 'drainTimeout'])(
    'rejects %s past the longest delay a Node timer can hold (it would fire after 1 ms)',
    (name) => {
      const e = invalid({ [name]: 2 ** 31 });
      expect(e).toMatchObject({ code: 'ERR_INVALID_OPTION', option: name });
      expect(e.message).toMatch(/2147483647/);
    },
  );

  it('rejects zero workers and zero-sized queue', () => {
    expect(invalid({ minWorkers: 0 }).option).toBe('minWorkers');
    expect(invalid({ messageQueueSize: 0 }).option).toBe('messageQueueSize');
  });

  it('rejects a malformed agent path', () => {
    expect(invalid({ agent: 'echo_agent.EchoAgent' }).option).toBe('agent');
  });

  it('rejects an option it does not know (typo guard)', () => {
    expect(invalid({ maxWorker: 3 }).option).toBe('maxWorker');
  });

  it('rejects non-boolean restartOnFailure and bad pythonPaths/env', () => {
    expect(invalid({ restartOnFailure: 'yes' }).option).toBe('restartOnFailure');
    expect(invalid({ pythonPaths: [''] }).option).toBe('pythonPaths');
    expect(invalid({ env: { A: 1 } }).option).toBe('env');
  });

  it('updateConfig refuses an invalid patch and applies nothing of it', () => {
    const pool = new GreenletProcessPool({ minWorkers: 1, maxWorkers: 2 });
    const before = { ...pool.opts };
    expect(() => pool.updateConfig({ loadBalancingStrategy: 'random', messageQueueSize: 7, maxWorkers: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(pool.opts).toEqual(before);
    expect(pool.getStats().strategy).toBe('round-robin');
    expect(pool.getStats().queueCapacity).toBe(before.messageQueueSize);
  });

  it('updateConfig reports which fields need a worker restart', () => {
    const pool = new GreenletProcessPool({ minWorkers: 1, maxWorkers: 2 });
    const change = pool.updateConfig({ loadBalancingStrategy: 'p2c-ewma', concurrencyPerWorker: 8, agent: 'noisy_agent:NoisyAgent' });
    expect(change.applied).toEqual(['loadBalancingStrategy']);
    expect(change.restartRequired.sort()).toEqual(['agent', 'concurrencyPerWorker']);
    expect(pool.getStats().strategy).toBe('p2c-ewma');
    expect(DEFAULT_OPTIONS.loadBalancingStrategy).toBe('round-robin'); // defaults untouched
  });
});
