// Types for scripts/promtool.mjs (plain JS so `npm test` runs it without a build), for the metrics test.
export declare const PROMTOOL_CACHE: string;
export declare function findPromtool(opts?: { env?: Record<string, string | undefined>; cached?: string }): string | null;
export declare function ensurePromtool(opts?: { log?: (line: string) => void }): string | null;
