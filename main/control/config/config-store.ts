// Config file handling: load (with corrupt-file quarantine), merge a patch,
// validate the merged whole, diff, and save atomically. Pure functions plus
// file I/O; applying a config to the running pool lives in config-apply.ts.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appConfigSchema, defaultConfig, missedPoolRuleIssues } from '../../../common/schemas';
import type { AppConfig, ConfigPatch } from '../../../common/schemas';
import type { ConfigDiffEntry, ConfigIssue } from '../../../common/contract';
import { RESTART_FIELDS } from '../../pool/index';
import { issuesFromZod } from '../api-error';
import { readFileIfExists, writeFileAtomic } from './atomic-file';

export const CONFIG_FILE = 'config.json';

// Pool settings that are part of the Python worker's launch command or
// --config: changing them only takes effect in a new process, so applying
// them restarts workers (rolling). Everything else is host-side and live.
// (`restartsWorkers` in common/pool-options-table.ts)
export const RESTART_POOL_FIELDS: ReadonlySet<string> = RESTART_FIELDS;

// python (the interpreter allow-list) is carried over and diffed, but never patched: configPatchSchema refuses it.
const SECTIONS = ['pool', 'alerts', 'sampling', 'a2a', 'python'] as const;
type Section = (typeof SECTIONS)[number];

export function configPath(dataDir: string): string {
  return path.join(dataDir, CONFIG_FILE);
}

export interface LoadedConfig {
  config: AppConfig;
  created: boolean; // no file existed; defaults were written
  warning?: { message: string; keptAs?: string; issues?: ConfigIssue[] };
}

/** Reads config.json; a missing file gives defaults, a corrupt or invalid one is renamed aside. */
export async function loadConfig(dataDir: string, now: () => number = Date.now): Promise<LoadedConfig> {
  const file = configPath(dataDir);
  const text = await readFileIfExists(file);
  if (text === undefined) {
    const config = defaultConfig();
    // A read-only (or not creatable) data dir must not keep the app from starting:
    // run on defaults and say that settings will not be kept.
    const notSaved = await saveConfig(dataDir, config).then(
      () => undefined,
      (err: Error) => err,
    );
    if (!notSaved) return { config, created: true };
    return {
      config,
      created: false,
      warning: {
        message: `config.json could not be created in ${dataDir} (${notSaved.message}); defaults are in use and settings changes will not be saved`,
      },
    };
  }
  let reason: string;
  let issues: ConfigIssue[] | undefined;
  try {
    const parsed = appConfigSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { config: parsed.data, created: false };
    issues = toConfigIssues(parsed.error.issues);
    reason = `invalid settings (${issues.map((i) => i.path).join(', ')})`;
  } catch (err) {
    reason = `not valid JSON (${(err as Error).message})`;
  }
  const keptAs = `${file}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
  const config = defaultConfig();
  // A read-only data dir must not keep the app from starting, as with a missing config.json:
  // the damaged file then stays where it is, defaults run, and the warning says nothing is kept.
  const notMoved = await fs.rename(file, keptAs).then(
    () => undefined,
    (err: Error) => err,
  );
  if (notMoved) {
    return {
      config,
      created: false,
      warning: {
        message: `config.json was ${reason}; it could not be set aside (${notMoved.message}), so it is left as it is, defaults are in use and settings changes will not be saved`,
        issues,
      },
    };
  }
  const notSaved = await saveConfig(dataDir, config).then(
    () => undefined,
    (err: Error) => err,
  );
  const unsaved = notSaved ? `; settings changes will not be saved (${notSaved.message})` : '';
  return {
    config,
    created: false,
    warning: { message: `config.json was ${reason}; it was kept as ${path.basename(keptAs)} and defaults are in use${unsaved}`, keptAs, issues },
  };
}

export async function saveConfig(dataDir: string, config: AppConfig): Promise<void> {
  await writeFileAtomic(configPath(dataDir), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Section-wise merge of a patch over the current config. A `null` value
 * removes the key, so optional fields (pythonPath) can be cleared and any
 * other field falls back to its default.
 */
export function mergePatch(current: AppConfig, patch: ConfigPatch): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    const next: Record<string, unknown> = { ...(current[section] as Record<string, unknown>) };
    const part = patch[section];
    if (part) {
      for (const [key, value] of Object.entries(part)) {
        if (value === null || value === undefined) delete next[key];
        // defineProperty: a "__proto__" key stays an own (unknown, refused) key instead of setting the prototype
        else Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true });
      }
    }
    merged[section] = next;
  }
  for (const key of Object.keys(patch)) {
    if (!(SECTIONS as readonly string[]).includes(key)) merged[key] = (patch as Record<string, unknown>)[key];
  }
  return merged;
}

export type Validated = { ok: true; config: AppConfig } | { ok: false; issues: ConfigIssue[] };

export function validateConfig(candidate: unknown): Validated {
  const parsed = appConfigSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issues = toConfigIssues(parsed.error.issues);
  addCrossFieldIssues(candidate, issues);
  return { ok: false, issues };
}

/** zod issues → one ConfigIssue per bad field; unknown keys are named individually. */
export function toConfigIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) out.push(...issuesFromZod([{ path: [...issue.path, key], message: 'unknown setting' }]));
    } else {
      out.push(...issuesFromZod([issue]));
    }
  }
  return out;
}

// zod skips an object's refinement when a field inside it already failed its
// type check, so min > max would go unreported next to, say, a bad boolean.
// Report it anyway: the operator should see every problem at once.
function addCrossFieldIssues(candidate: unknown, issues: ConfigIssue[]): void {
  const pool = (candidate as { pool?: unknown } | undefined)?.pool;
  const reported = new Set(issues.filter((i) => i.path.startsWith('pool.')).map((i) => i.path.slice('pool.'.length)));
  for (const i of missedPoolRuleIssues(pool, reported)) issues.push({ path: `pool.${i.path}`, message: i.message });
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function diffConfig(from: AppConfig, to: AppConfig): ConfigDiffEntry[] {
  const diff: ConfigDiffEntry[] = [];
  for (const section of SECTIONS) {
    const a = from[section] as Record<string, unknown>;
    const b = to[section] as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (same(a[key], b[key])) continue;
      diff.push({
        path: `${section}.${key}`,
        from: a[key],
        to: b[key],
        restartRequired: section === 'pool' && RESTART_POOL_FIELDS.has(key),
      });
    }
  }
  return diff;
}

export function changedSections(diff: ConfigDiffEntry[]): Set<Section> {
  return new Set(diff.map((d) => d.path.split('.')[0] as Section));
}

/** The platform's usual per-user app-data folder, for headless mode without --data-dir. */
export function defaultDataDir(
  appName: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), appName);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', appName);
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, appName);
}
