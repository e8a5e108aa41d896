// Types for scripts/browser.mjs (plain JS so `npm test` runs it without a build), for playwright.config.ts.
export declare const BROWSER_ENV_VARS: string[];
export interface FoundBrowser {
  path: string;
  source: string;
}
export declare function findChromium(opts?: {
  env?: Record<string, string | undefined>;
  platform?: string;
  home?: string;
  systemPaths?: string[];
}): FoundBrowser | null;
export declare function playwrightCacheDir(env?: Record<string, string | undefined>, platform?: string, home?: string): string;
export declare function ensureChromium(opts?: { cwd?: string; log?: (line: string) => void }): string;
