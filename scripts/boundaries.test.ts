// The project's import boundaries (rules in scripts/boundaries.ts), checked over the real
// source tree, plus proof on small made-up trees that each rule catches its violation.
import { describe, expect, it } from 'vitest';
import { checkBoundaries, importSpecifiers, readSources, repoRoot, type SourceFiles } from './boundaries';

const tree = (files: Record<string, string>): SourceFiles => new Map(Object.entries(files));
const ENGINE = {
  'main/pool/index.ts': "export { GreenletProcessPool } from './pool';\nexport type * from './types';",
  'main/pool/pool.ts': "import { Dispatcher } from './dispatch/dispatcher';\nexport class GreenletProcessPool {}",
  'main/pool/types.ts': "export { MAX_TIMER_MS } from './options';\nexport interface WorkerStats { id: string }",
  'main/pool/options.ts': "import { MAX_TIMER_MS } from '../../preload/pool-options-table';\nexport { MAX_TIMER_MS };",
  'preload/pool-options-table.ts': 'export const MAX_TIMER_MS = 1;',
  'main/pool/retry-policy.ts': "import { MAX_TIMER_MS } from './options';\nexport const delay = () => MAX_TIMER_MS;",
  'main/pool/dispatch/dispatcher.ts': "import { delay } from '../retry-policy';\nexport class Dispatcher {}",
};

describe('import boundaries of this repository', () => {
  it('hold: no file breaks a rule', () => {
    const files = readSources(repoRoot);
    expect(files.has('main/pool/index.ts')).toBe(true); // the scan did see the tree
    expect(files.size).toBeGreaterThan(100);
    expect(checkBoundaries(files)).toEqual([]);
  });
});

describe('the boundary check catches', () => {
  it('nothing in a tree that keeps the rules', () => {
    const ok = tree({
      ...ENGINE,
      'main/control/core.ts': "import { GreenletProcessPool } from '../pool/index';\nimport type { WorkerStats } from '../pool';",
      'preload/contract.ts': "import type { WorkerStats } from '../main/pool/types';",
      'preload/schemas.ts': "import { MAX_TIMER_MS } from './pool-options-table';",
      'renderer/src/a.ts': "import type { WorkerStats } from '../../preload/contract';\n// import x from '../../main/pool/pool'\nconst s = \"from '../../main/x'\";",
    });
    expect(checkBoundaries(ok)).toEqual([]);
  });

  it('the renderer importing main/ (even a type, even the engine index)', () => {
    const bad = tree({ ...ENGINE, 'renderer/src/w.tsx': "import type { WorkerStats } from '../../main/pool/index';" });
    expect(checkBoundaries(bad)).toEqual([{ file: 'renderer/src/w.tsx', spec: '../../main/pool/index', rule: 'renderer-imports-main' }]);
  });

  it('code outside main/pool importing past its index, by import, export-from or import()', () => {
    const bad = tree({
      ...ENGINE,
      'main/control/a.ts': "import { Dispatcher } from '../pool/dispatch/dispatcher';",
      'main/a2a/b.ts': "export { delay } from '../pool/retry-policy';",
      'bench/c.ts': "const m = await import('../main/pool/pool');",
      'preload/contract.ts': "import { MAX_TIMER_MS } from '../main/pool/options';", // not on its allow list
    });
    expect(checkBoundaries(bad).map((v) => [v.file, v.rule])).toEqual([
      ['main/control/a.ts', 'past-pool-index'],
      ['main/a2a/b.ts', 'past-pool-index'],
      ['bench/c.ts', 'past-pool-index'],
      ['preload/contract.ts', 'past-pool-index'],
    ]);
  });

  it("the engine importing the app's other layers", () => {
    const bad = tree({ ...ENGINE, 'main/pool/lifecycle/x.ts': "import { configPath } from '../../control/config-store';" });
    expect(checkBoundaries(bad)).toEqual([{ file: 'main/pool/lifecycle/x.ts', spec: '../../control/config-store', rule: 'pool-imports-app' }]);
  });

  it("'electron' in main/pool or main/control (the Electron shell may import it)", () => {
    const bad = tree({
      ...ENGINE,
      'main/pool/worker/x.ts': "import { app } from 'electron';",
      'main/control/y.ts': "import { ipcMain } from 'electron/main';",
      'main/index.ts': "import { app } from 'electron';",
    });
    expect(checkBoundaries(bad).map((v) => [v.file, v.rule])).toEqual([
      ['main/pool/worker/x.ts', 'electron-in-engine'],
      ['main/control/y.ts', 'electron-in-engine'],
    ]);
  });

  it('a Node built-in reaching the renderer through a shared pure engine module', () => {
    const bad = tree({ ...ENGINE, 'main/pool/options.ts': "import { cpus } from 'node:os';\nimport { EventEmitter } from 'events';\nexport const MAX_TIMER_MS = cpus().length;" });
    expect(checkBoundaries(bad)).toEqual([
      { file: 'main/pool/options.ts', spec: 'node:os', rule: 'node-in-shared' },
      { file: 'main/pool/options.ts', spec: 'events', rule: 'node-in-shared' },
    ]);
  });

  it('a Node built-in in the option table the engine and the renderer share', () => {
    const bad = tree({ ...ENGINE, 'preload/pool-options-table.ts': "import { cpus } from 'node:os';\nexport const MAX_TIMER_MS = cpus().length;" });
    expect(checkBoundaries(bad)).toEqual([{ file: 'preload/pool-options-table.ts', spec: 'node:os', rule: 'node-in-shared' }]);
  });

  it('reads specifiers the way TypeScript does (not from comments or strings)', () => {
    expect(importSpecifiers("// import a from 'x'\nimport b from 'y';\nconst s = \"import c from 'z'\";\nexport * from './w';")).toEqual(['y', './w']);
  });
});
