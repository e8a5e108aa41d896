// One agent reference pattern: the engine's adapter, the option table (config schema, form) and
// the agent check all test AGENT_PATTERN, and the Python worker the same regex (test_startup.py).
// Before, the adapter took a looser form ('[\w.]+:…') and the table a laxer module part.
import { describe, expect, it } from 'vitest';
import { AGENT_PATTERN, POOL_OPTION_TABLE, optionProblem } from '../../../common/pool-options-table';
import { ADAPTER_DEFAULTS, resolveAdapterOptions } from './adapter-options';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const refusedNow = [
  '.echo_agent:EchoAgent', // a relative module: the adapter's old pattern took it
  '2fast:Agent', // a module name starting with a digit: the adapter's old pattern took it
  'echo_agent..x:EchoAgent', // an empty module segment: both old patterns took it
  'echo_agent.:EchoAgent', // a trailing dot: both old patterns took it
  'echo_agent.EchoAgent', // no colon: the Python worker took it
];
const accepted = ['echo_agent:EchoAgent', 'acme_agents.summarizer:Summarizer', '_private.mod_2:Agent_X'];

describe('the agent reference pattern', () => {
  it.each(refusedNow)('the engine refuses %s, naming the option', (agent) => {
    expect(() => resolveAdapterOptions({ agent })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', details: { option: 'agent' } }));
  });

  it.each(refusedNow)('the option table refuses %s', (agent) => {
    expect(optionProblem(POOL_OPTION_TABLE.agent, agent)).toContain('package.module:ClassName');
  });

  it.each(accepted)('engine and table accept %s', (agent) => {
    expect(resolveAdapterOptions({ agent }).agent).toBe(agent);
    expect(optionProblem(POOL_OPTION_TABLE.agent, agent)).toBeNull();
  });

  it('is the one the option table (so the config schema and form) uses', () => {
    expect(POOL_OPTION_TABLE.agent.pattern).toBe(AGENT_PATTERN);
  });
});

describe('launch defaults', () => {
  it('the adapter and the Python worker fall back to the option table’s values', () => {
    expect(ADAPTER_DEFAULTS.concurrency).toBe(POOL_OPTION_TABLE.concurrencyPerWorker.default);
    expect(ADAPTER_DEFAULTS.workerQueueSize).toBe(POOL_OPTION_TABLE.workerQueueSize.default);
    // the worker's own fallbacks (a hand-started worker; the host always sends both)
    const py = readFileSync(join(__dirname, '../../../python/greenlet_a2a/settings.py'), 'utf8');
    expect(py).toContain(`DEFAULT_CONCURRENCY = ${POOL_OPTION_TABLE.concurrencyPerWorker.default}\n`);
    expect(py).toContain(`DEFAULT_MAX_QUEUE_SIZE = ${POOL_OPTION_TABLE.workerQueueSize.default}\n`);
  });
});
