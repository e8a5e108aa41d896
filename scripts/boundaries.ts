// The import boundaries of the project, as a check (run by scripts/boundaries.test.ts, so by
// `npm test` and `npx vitest run`). Rules:
//  1. renderer/ imports neither main/ nor preload/: it takes every shape from common/.
//  2. Outside main/pool, the engine is imported only through main/pool/index.ts; tests may also
//     take the engine's test kit (main/pool/test-support/: where the test agents live, ...).
//  3. main/pool imports nothing else of the app but common/ (it is the engine: plain Node).
//  4. main/pool and main/control never import 'electron' (headless mode runs them in plain Node).
//  5. common/ is the shared layer every runtime may import (the contract, the engine's value
//     types, the option table, schemas): it imports nothing of the app outside common/, no
//     Node built-in and no 'electron' (it ends up in the renderer's bundle and the sandboxed
//     preload). Its tests do not ship and may reach the engine they check against.
//  6. preload/ holds only the bridge (index.ts, and its tests): a pure module belongs in common/.
// Specifiers come from TypeScript's own pre-processor, so comments and strings are not
// mistaken for imports; import(), require() and `export ... from` count as imports.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type SourceFiles = ReadonlyMap<string, string>; // repo-relative posix path → text

export interface Violation {
  file: string;
  spec: string; // '' for a rule about the file itself (preload-not-bridge)
  rule:
    | 'renderer-imports-main'
    | 'renderer-imports-preload'
    | 'past-pool-index'
    | 'pool-imports-app'
    | 'electron-in-engine'
    | 'node-in-shared'
    | 'common-imports-app'
    | 'preload-not-bridge';
}

const SCANNED = ['common', 'main', 'preload', 'renderer', 'bench', 'e2e', 'scripts'];
const SKIP_DIRS = new Set(['node_modules', 'out', '.tmp', 'release', '__pycache__']);
const POOL = 'main/pool/';
const POOL_INDEX = 'main/pool/index.ts';
const POOL_TEST_KIT = 'main/pool/test-support/';
const COMMON = 'common/';
const BRIDGE = 'preload/index.ts';
const NODE_BUILTINS = new Set(builtinModules);

/** Reads every .ts/.tsx file under the scanned folders of `root`. */
export function readSources(root: string): SourceFiles {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a scanned folder that does not exist in this checkout
    }
    for (const e of entries) {
      if (e.isSymbolicLink() || SKIP_DIRS.has(e.name)) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) files.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  for (const d of SCANNED) walk(join(root, d));
  return files;
}

export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The repo file a relative specifier names (./x, ./x.ts, ./x/index.ts), or the bare path if none is known. */
function resolve(files: SourceFiles, from: string, spec: string): string {
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) if (files.has(c)) return c;
  return base;
}

const isElectron = (spec: string): boolean => spec === 'electron' || spec.startsWith('electron/');
const isNode = (spec: string): boolean => spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]!);

const isTest = (file: string): boolean => /\.test\.tsx?$/.test(file);

export function checkBoundaries(files: SourceFiles): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const inPool = file.startsWith(POOL);
    const inCommon = file.startsWith(COMMON) && !isTest(file);
    if (file.startsWith('preload/') && file !== BRIDGE && !isTest(file)) out.push({ file, spec: '', rule: 'preload-not-bridge' });
    for (const spec of importSpecifiers(text)) {
      if (isElectron(spec) && (inPool || file.startsWith('main/control/'))) out.push({ file, spec, rule: 'electron-in-engine' });
      if (inCommon && (isNode(spec) || isElectron(spec))) out.push({ file, spec, rule: 'node-in-shared' });
      if (!spec.startsWith('.')) continue;
      const target = resolve(files, file, spec);
      if (inCommon && !target.startsWith(COMMON)) out.push({ file, spec, rule: 'common-imports-app' });
      if (file.startsWith('renderer/') && (target.startsWith('main/') || target === 'main')) out.push({ file, spec, rule: 'renderer-imports-main' });
      if (file.startsWith('renderer/') && (target.startsWith('preload/') || target === 'preload'))
        out.push({ file, spec, rule: 'renderer-imports-preload' });
      const toPool = target.startsWith(POOL) || target === 'main/pool';
      const testKit = target.startsWith(POOL_TEST_KIT) && (isTest(file) || file.includes('/test-support/'));
      if (!inPool && toPool && target !== POOL_INDEX && target !== 'main/pool' && !testKit) out.push({ file, spec, rule: 'past-pool-index' });
      if (inPool && !toPool && !target.startsWith(COMMON)) out.push({ file, spec, rule: 'pool-imports-app' });
    }
  }
  return out;
}

/** Repo root, for the test: this file lives in scripts/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
