// Where the test agents live: python/tests/agents, the one folder shared with pytest
// (python/tests/conftest.py puts it on PYTHONPATH too). python/examples holds the agents
// for operators; tests may use those as well, since they are real agents.
import { fileURLToPath } from 'node:url';

/** python/tests/agents: mixed_agent, slow_start_agent, fixture_agents, ... */
export const testAgentsDir = fileURLToPath(new URL('../../../python/tests/agents', import.meta.url));

/**
 * python/tests/agents/raw_pipe: garbage_agent and its sitecustomize.py, which Python imports
 * at start-up in every interpreter that has this folder on its path. Kept apart so only the
 * tests that want a raw handle on the protocol pipe load it.
 */
export const rawPipeAgentsDir = fileURLToPath(new URL('../../../python/tests/agents/raw_pipe', import.meta.url));
