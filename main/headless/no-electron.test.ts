// serve.js runs on plain Node, where `import 'electron'` would crash at start.
// Walk the source import graph from the headless entry and prove no module
// reachable from it imports electron (the bundle keeps that property).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const cand of [base, `${base}.ts`, `${base}.tsx`, resolve(base, 'index.ts')]) {
    if (existsSync(cand) && cand.endsWith('.ts')) return cand;
  }
  return null;
}

/** Every module reachable from `entry`, with the chain that reached it. */
function importGraph(entry: string): Map<string, { chain: string[]; bare: string[] }> {
  const seen = new Map<string, { chain: string[]; bare: string[] }>();
  const queue: Array<[string, string[]]> = [[entry, [entry]]];
  while (queue.length) {
    const [file, chain] = queue.shift()!;
    if (seen.has(file)) continue;
    const bare: string[] = [];
    seen.set(file, { chain, bare });
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const spec = (m[1] ?? m[2])!;
      if (!spec.startsWith('.')) {
        bare.push(spec);
        continue;
      }
      const next = resolveLocal(file, spec);
      if (next) queue.push([next, [...chain, next]]);
    }
  }
  return seen;
}

describe('headless entry', () => {
  const graph = importGraph(resolve(import.meta.dirname, 'serve.ts'));

  it('reaches the control plane, the pool and the A2A gateway (the walk works)', () => {
    const files = [...graph.keys()].map((f) => f.replace(/\\/g, '/'));
    expect(files.some((f) => f.endsWith('main/control/index.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('main/pool/index.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('main/a2a/index.ts'))).toBe(true);
  });

  it('never imports electron', () => {
    const offenders = [...graph.values()].filter((n) => n.bare.some((b) => b === 'electron' || b.startsWith('electron/')));
    expect(offenders.map((n) => n.chain.join(' → '))).toEqual([]);
  });
});
