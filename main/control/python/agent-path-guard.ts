// Which folders the API may put on the workers' PYTHONPATH (pool.pythonPaths, validateAgent
// {pythonPaths}). A folder on the path is code the workers import, so choosing one over the API
// is "run this code as the server's user": the same rule as interpreters (interpreter-guard.ts).
// Allowed are the folders an administrator listed — python.allowedAgentPaths in config.json (a
// config patch cannot change it) or GREENLET_CC_ALLOWED_AGENT_PATHS — plus the pythonPaths that
// config.json itself held at start and those already in use. Compared exactly, resolved.
import path from 'node:path';
import type { AppConfig } from '../../../common/schemas';
import { ApiError } from '../api-error';

/** Extra allowed agent folders from the environment, separated like PATH. */
export const ALLOW_PATHS_ENV = 'GREENLET_CC_ALLOWED_AGENT_PATHS';

export function allowedAgentPaths(config: AppConfig, trusted: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Set<string> {
  const list = [...config.python.allowedAgentPaths, ...(env[ALLOW_PATHS_ENV] ?? '').split(path.delimiter), ...trusted, ...config.pool.pythonPaths];
  return new Set(list.filter((p) => p.trim() !== '').map((p) => path.resolve(p)));
}

/** Refuses the first folder not on the allow-list, naming the field; nothing is imported before this passes. */
export function checkSelectableAgentPaths(paths: readonly string[], field: string, allowed: ReadonlySet<string>): void {
  const bad = paths.find((p) => !allowed.has(path.resolve(p)));
  if (bad === undefined) return;
  const message = `${bad} is not an allowed agent folder; an administrator can add it to python.allowedAgentPaths in config.json (or ${ALLOW_PATHS_ENV})`;
  throw new ApiError('ERR_VALIDATION', `Invalid input — ${field}: ${message}`, [{ path: field, message }], { field, reason: 'ERR_AGENT_PATH_NOT_ALLOWED' });
}
