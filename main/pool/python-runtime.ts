// Where the worker's Python comes from and what it is launched with. Kept apart
// from the adapter so the pool, the bench and the setup scripts resolve the
// interpreter the same way the workers do.
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PythonSource = 'config' | 'env' | 'venv' | 'system';

export interface ResolvedPython {
  path: string;
  source: PythonSource;
}

export function venvPythonPath(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(venvDir, 'Scripts', 'python.exe') : join(venvDir, 'bin', 'python');
}

/** One place the search looks. `explicit`: used as given (a command name for 'system'); otherwise only if the file exists. */
export interface PythonStep {
  path: string;
  source: PythonSource;
  explicit: boolean;
}

export interface PythonSearch {
  pythonPath?: string; // the configured interpreter
  appVenvPython?: string; // the app-data venv's python (the control plane's setup makes it)
  runtimeDir?: string; // <runtimeDir>/.venv is the development venv; none without it
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * The one search order for the workers' interpreter: explicit option → env GREENLET_PYTHON →
 * the app-data venv → <runtimeDir>/.venv → python3 (python on Windows). resolvePython takes
 * the first usable step; the probe (control/python/python-probe.ts) lists them as candidates
 * and the guard (control/python/interpreter-guard.ts) allows them. Existence is not checked
 * for explicit choices: a wrong path must fail loudly at spawn with its own name in the error,
 * not fall through to another one.
 */
export function pythonSearchOrder({
  pythonPath,
  appVenvPython,
  runtimeDir,
  env = process.env,
  platform = process.platform,
}: PythonSearch): PythonStep[] {
  const steps: PythonStep[] = [];
  const add = (path: string | undefined, source: PythonSource, explicit: boolean) => {
    if (path && path.trim()) steps.push({ path, source, explicit });
  };
  add(pythonPath, 'config', true);
  add(env.GREENLET_PYTHON, 'env', true);
  add(appVenvPython, 'venv', false);
  if (runtimeDir) add(venvPythonPath(join(runtimeDir, '.venv'), platform), 'venv', false);
  add(platform === 'win32' ? 'python' : 'python3', 'system', true);
  return steps;
}

/** The first usable step of the search order (the system command always is). */
export function firstUsablePython(steps: readonly PythonStep[]): ResolvedPython {
  const step = steps.find((s) => s.explicit || existsSync(s.path)) ?? steps[steps.length - 1]!;
  return { path: step.path, source: step.source };
}

/** The interpreter a worker runs (pythonSearchOrder, first usable step). */
export function resolvePython(pythonPath?: string, runtimeDir: string = defaultRuntimeDir(), appVenvPython?: string): ResolvedPython {
  return firstUsablePython(pythonSearchOrder({ pythonPath, runtimeDir, appVenvPython }));
}

let cachedRuntimeDir: string | undefined;

/**
 * The repo's python/ folder, found by walking up from this module for python/greenlet_a2a
 * (works from main/pool/ under tsx/vitest and from out/main/ after a build). Packaged apps
 * pass runtimeDir explicitly (resources path), so this is only the development default.
 */
export function defaultRuntimeDir(): string {
  if (cachedRuntimeDir) return cachedRuntimeDir;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here, i = 0; i < 8; i++) {
    const candidate = join(dir, 'python');
    if (existsSync(join(candidate, 'greenlet_a2a'))) return (cachedRuntimeDir = candidate);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Not found (e.g. the package is not written yet): the layout's expected place.
  return resolve(here, '..', '..', 'python');
}

export interface WorkerConfig {
  agent: string;
  agent_id?: string;
  capabilities?: string[];
  max_queue_size: number;
  concurrency: number;
  ping_interval_ms?: number;
}

export function workerArgs(config: WorkerConfig): string[] {
  return ['-u', '-m', 'greenlet_a2a.worker', '--config', JSON.stringify(config)];
}

/**
 * Credentials of this process that agent code has no use for: the broker's (GCC_NATS_*, read by
 * main/cluster/options.ts) and the control plane's token. Whoever's agent runs in a worker must
 * not be able to read them from its environment, however they were set.
 */
export const isSecretEnvName = (name: string): boolean => name.startsWith('GCC_NATS_') || name === 'GREENLET_CC_TOKEN';

/**
 * The worker's whole environment (spawned with extendEnv off): this process's, less the secrets,
 * plus `extra`; PYTHONPATH = runtimeDir, its examples, the operator's extra paths, then any inherited PYTHONPATH.
 */
export function workerEnv(
  runtimeDir: string,
  pythonPaths: readonly string[] = [],
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const inherited = extra.PYTHONPATH ?? base.PYTHONPATH;
  const parts = [runtimeDir, join(runtimeDir, 'examples'), ...pythonPaths];
  if (inherited) parts.push(inherited);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...base, ...extra })) if (v !== undefined && !isSecretEnvName(k)) env[k] = v;
  return { ...env, PYTHONPATH: parts.join(delimiter), PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
}
