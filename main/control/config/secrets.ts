// Secrets in the config (today: a2a.token) stay in config.json (0600, in a 0700
// data dir) and in this process. Everything the API hands out — getConfig, the
// config in update results and events, previews, snapshots — carries a marker
// instead, so the UI still knows a token is set without being able to read it.
import type { ConfigDiffEntry } from '../../../common/contract';
import type { AppConfig, ConfigPatch } from '../../../common/schemas';

export const REDACTED = '<redacted>';

/** Dotted paths of the settings that are secrets. */
export const SECRET_PATHS: ReadonlySet<string> = new Set(['a2a.token']);

/** A copy of the config with every secret that is set replaced by REDACTED. */
export function redactConfig(config: AppConfig): AppConfig {
  if (config.a2a.token === undefined) return config;
  return { ...config, a2a: { ...config.a2a, token: REDACTED } };
}

export function redactDiff(diff: ConfigDiffEntry[]): ConfigDiffEntry[] {
  return diff.map((d) =>
    SECRET_PATHS.has(d.path) ? { ...d, from: d.from === undefined ? undefined : REDACTED, to: d.to === undefined ? undefined : REDACTED } : d,
  );
}

/**
 * A patch that sends the marker back (a UI saving a whole section it read from
 * getConfig) means "unchanged": drop it, so the real token is never overwritten
 * with the marker.
 */
export function withoutRedactedSecrets(patch: ConfigPatch): ConfigPatch {
  if (patch.a2a?.token !== REDACTED) return patch;
  const { token: _marker, ...a2a } = patch.a2a;
  return { ...patch, a2a };
}
