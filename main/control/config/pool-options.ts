// AppConfig.pool → the engine's PoolOptions. The interpreter is resolved here,
// once, to a concrete path, because the control plane knows two places the
// engine does not: the venv that "Set up Python environment" made in the data
// directory, and the runtime folder of a packaged app.
import path from 'node:path';
import type { AppConfig } from '../../../common/schemas';
import { defaultRuntimeDir, resolvePython, venvPythonPath } from '../../pool/index';
import type { PoolOptions } from '../../pool/index';

export interface RuntimeContext {
  dataDir: string;
  runtimeDir?: string;
}

/** Where setupPythonEnv creates the app's private venv. */
export const appVenvDir = (dataDir: string) => path.join(dataDir, 'python-venv');

/** The engine's one search order (resolvePython), with the app-data venv that setup makes. */
export function workerPython(config: AppConfig, ctx: RuntimeContext): string {
  return resolvePython(config.pool.pythonPath, ctx.runtimeDir ?? defaultRuntimeDir(), venvPythonPath(appVenvDir(ctx.dataDir))).path;
}

export function toPoolOptions(config: AppConfig, ctx: RuntimeContext): Partial<PoolOptions> {
  const { pythonPath: _configured, pythonPaths, ...rest } = config.pool;
  const extra: string[] = [];
  // The engine finds its runtime folder itself in development; a packaged app's
  // resources folder is added to PYTHONPATH explicitly so workers import from it.
  if (ctx.runtimeDir && path.resolve(ctx.runtimeDir) !== path.resolve(defaultRuntimeDir())) {
    extra.push(ctx.runtimeDir, path.join(ctx.runtimeDir, 'examples'));
  }
  const opts: Partial<PoolOptions> = { ...rest, pythonPaths: [...pythonPaths, ...extra], pythonPath: workerPython(config, ctx) };
  for (const key of Object.keys(opts) as (keyof PoolOptions)[]) if (opts[key] === undefined) delete opts[key];
  return opts;
}
