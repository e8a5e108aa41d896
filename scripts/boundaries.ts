// The import boundaries of the project, as a check (run by scripts/boundaries.test.ts, so by
// `npm test` and `npx vitest run`). Rules:
//  1. renderer/ never imports main/: it gets the engine's types through preload/contract.ts.
//  2. Outside main/pool, the engine is imported only through main/pool/index.ts (test files may
//     also import its test kit, main/pool/test-support/). Other exceptions:
//     the contract layer (compiled into the renderer too) may take pure engine modules that
//     pull no Node API in: preload/contract.ts → main/pool/types.ts (and main/cluster/types.ts,
//     outside the engine but held to rule 5 the same way).
//  3. main/pool imports nothing else of the app (it is the engine: plain Node, no app layers),
//     except the pool option table (preload/pool-options-table.ts), pure data shared by the
//     engine's checks, the config schema and the form, and the error table
//     (preload/error-table.ts), pure data shared by the engine's errors and every door.
//  4. main/pool and main/control never import 'electron' (headless mode runs them in plain Node).
//  5. The pure engine modules of rule 2, and everything they import, import no Node built-in
//     and no 'electron' (they end up in the renderer's bundle).
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
  spec: string;
  rule: 'renderer-imports-main' | 'past-pool-index' | 'pool-imports-app' | 'electron-in-engine' | 'node-in-shared';
}

const SCANNED = ['main', 'preload', 'renderer', 'bench', 'e2e', 'scripts'];
const SKIP_DIRS = new Set(['node_modules', 'out', '.tmp', 'release', '__pycache__']);
const POOL = 'main/pool/';
const POOL_INDEX = 'main/pool/index.ts';
const TEST_KIT = 'main/pool/test-support/';
/** importer → the pure engine modules it may import past the index. */
const SHARED_PURE: Record<string, readonly string[]> = {
  'preload/contract.ts': ['main/pool/types.ts', 'main/cluster/types.ts'],
};
/** App modules the engine may import: pure tables, checked by rule 5 like SHARED_PURE. */
const ENGINE_MAY_IMPORT: readonly string[] = ['preload/pool-options-table.ts', 'preload/error-table.ts'];
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

export function checkBoundaries(files: SourceFiles): Violation[] {
  const out: Violation[] = [];
  const edges = new Map<string, Array<{ spec: string; target: string | null }>>();
  for (const [file, text] of files) {
    const list = importSpecifiers(text).map((spec) => ({ spec, target: spec.startsWith('.') ? resolve(files, file, spec) : null }));
    edges.set(file, list);
    const inPool = file.startsWith(POOL);
    for (const { spec, target } of list) {
      if (isElectron(spec) && (inPool || file.startsWith('main/control/'))) out.push({ file, spec, rule: 'electron-in-engine' });
      if (target === null) continue;
      if (file.startsWith('renderer/') && (target.startsWith('main/') || target === 'main')) out.push({ file, spec, rule: 'renderer-imports-main' });
      const toPool = target.startsWith(POOL) || target === 'main/pool';
      // Tests anywhere may use the engine's test kit (fixture agents, real-worker helpers): it is the node side's one kit.
      const testKit = /\.test\.tsx?$/.test(file) && target.startsWith(TEST_KIT);
      if (!inPool && toPool && target !== POOL_INDEX && target !== 'main/pool' && !SHARED_PURE[file]?.includes(target) && !testKit) {
        out.push({ file, spec, rule: 'past-pool-index' });
      }
      if (inPool && !toPool && !ENGINE_MAY_IMPORT.includes(target)) out.push({ file, spec, rule: 'pool-imports-app' });
    }
  }
  // Rule 5: walk from the shared pure modules through their relative imports.
  const seen = new Set<string>();
  const stack = [...Object.values(SHARED_PURE).flat(), ...ENGINE_MAY_IMPORT];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { spec, target } of edges.get(file) ?? []) {
      if (isNode(spec) || isElectron(spec)) out.push({ file, spec, rule: 'node-in-shared' });
      if (target !== null) stack.push(target);
    }
  }
  return out;
}

/** Repo root, for the test: this file lives in scripts/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
