// The project's import boundaries (rules in scripts/boundaries.ts), checked over the real
// source tree, plus proof on small made-up trees that each rule catches its violation.
import { describe, expect, it } from 'vitest';
import { checkBoundaries, importSpecifiers, readSources, repoRoot, type SourceFiles } from './boundaries';

const tree = (files: Record<string, string>): SourceFiles => new Map(Object.entries(files));
const ENGINE = {
  'main/pool/index.ts': "export { GreenletProcessPool } from './pool';\nexport type * from './types';",
  'main/pool/pool.ts': "import { Dispatcher } from './dispatch/dispatcher';\nexport class GreenletProcessPool {}",
  'main/pool/types.ts': "export { MAX_TIMER_MS } from './options';\nexport type * from '../../common/pool-types';",
  'main/pool/options.ts': "import { MAX_TIMER_MS } from '../../common/pool-options-table';\nexport { MAX_TIMER_MS };",
  'common/pool-options-table.ts': 'export const MAX_TIMER_MS = 1;',
  'common/pool-types.ts':
    "import type { MAX_TIMER_MS } from './pool-options-table';\nexport interface WorkerStats { id: string; max: typeof MAX_TIMER_MS }",
  'preload/index.ts': "import { contextBridge } from 'electron';\nimport { methodNames } from '../common/contract';",
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
      'common/contract.ts': "import { z } from 'zod';\nimport type { WorkerStats } from './pool-types';",
      'common/schemas.ts': "import { MAX_TIMER_MS } from './pool-options-table';",
      'common/schemas.test.ts': "import { readFileSync } from 'node:fs';\nimport { resolveOptions } from '../main/pool/index';", // tests do not ship
      'preload/preload.test.ts': "import { methodNames } from '../common/contract';",
      'renderer/src/a.ts':
        "import type { WorkerStats } from '../../common/contract';\n// import x from '../../main/pool/pool'\nconst s = \"from '../../main/x'\";",
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
    });
    expect(checkBoundaries(bad).map((v) => [v.file, v.rule])).toEqual([
      ['main/control/a.ts', 'past-pool-index'],
      ['main/a2a/b.ts', 'past-pool-index'],
      ['bench/c.ts', 'past-pool-index'],
    ]);
  });

  it("the engine's test kit is for tests: a test may import it, app code may not", () => {
    const files = tree({
      ...ENGINE,
      'main/pool/test-support/test-agents.ts': 'export const testAgentsDir = "";',
      'main/cluster/x.test.ts': "import { testAgentsDir } from '../pool/test-support/test-agents';",
      'main/cluster/y.ts': "import { testAgentsDir } from '../pool/test-support/test-agents';",
    });
    expect(checkBoundaries(files).map((v) => [v.file, v.rule])).toEqual([['main/cluster/y.ts', 'past-pool-index']]);
  });

  it("the engine importing the app's other layers", () => {
    const bad = tree({ ...ENGINE, 'main/pool/lifecycle/x.ts': "import { configPath } from '../../control/config/config-store';" });
    expect(checkBoundaries(bad)).toEqual([{ file: 'main/pool/lifecycle/x.ts', spec: '../../control/config/config-store', rule: 'pool-imports-app' }]);
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

  it('the renderer importing preload/ (the bridge, which needs electron)', () => {
    const bad = tree({ ...ENGINE, 'renderer/src/api.ts': "import '../../preload/index';" });
    expect(checkBoundaries(bad)).toEqual([{ file: 'renderer/src/api.ts', spec: '../../preload/index', rule: 'renderer-imports-preload' }]);
  });

  it('common/ importing main/, preload/ or renderer/ (even a type)', () => {
    const bad = tree({
      ...ENGINE,
      'common/contract.ts': "import type { AppConfig } from '../main/control/core';\nimport type { X } from '../preload/index';",
      'common/tuning.ts': "export * from '../renderer/src/lib/series';",
    });
    expect(checkBoundaries(bad)).toEqual([
      { file: 'common/contract.ts', spec: '../main/control/core', rule: 'common-imports-app' },
      { file: 'common/contract.ts', spec: '../preload/index', rule: 'common-imports-app' },
      { file: 'common/tuning.ts', spec: '../renderer/src/lib/series', rule: 'common-imports-app' },
    ]);
  });

  it('a Node built-in or electron in common/ (it reaches the renderer and the sandboxed preload)', () => {
    const bad = tree({
      ...ENGINE,
      'common/pool-options-table.ts':
        "import { cpus } from 'node:os';\nimport { EventEmitter } from 'events';\nexport const MAX_TIMER_MS = cpus().length;",
      'common/schemas.ts': "import { ipcRenderer } from 'electron';",
    });
    expect(checkBoundaries(bad)).toEqual([
      { file: 'common/pool-options-table.ts', spec: 'node:os', rule: 'node-in-shared' },
      { file: 'common/pool-options-table.ts', spec: 'events', rule: 'node-in-shared' },
      { file: 'common/schemas.ts', spec: 'electron', rule: 'node-in-shared' },
    ]);
  });

  it('a module in preload/ beside the bridge (it belongs in common/)', () => {
    const bad = tree({ ...ENGINE, 'preload/schemas.ts': "import { z } from 'zod';" });
    expect(checkBoundaries(bad)).toEqual([{ file: 'preload/schemas.ts', spec: '', rule: 'preload-not-bridge' }]);
  });

  it('reads specifiers the way TypeScript does (not from comments or strings)', () => {
    expect(importSpecifiers("// import a from 'x'\nimport b from 'y';\nconst s = \"import c from 'z'\";\nexport * from './w';")).toEqual([
      'y',
      './w',
    ]);
  });
});
