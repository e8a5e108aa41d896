// One-off help for branches that predate issue 18's moves (common/, main/control rooms).
// Rewrites every relative import that still names a pre-move path to the file's new home,
// from wherever the importing file now lives. After `git merge main`, a file that conflicts
// only on import lines can be resolved by taking your side (`git checkout --theirs <file>`
// when merging main into your branch is `--ours`; pick the side with your edits), then
// running `node scripts/fix-moved-imports.mjs` and `npx tsc -b`. Prints each edit. A module a
// branch added to preload/ (now the bridge alone) is moved to common/ with git mv.
// Delete this script once every branch has merged the moves.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';

const MOVED = {
  'preload/contract.ts': 'common/contract.ts',
  'preload/pool-options-table.ts': 'common/pool-options-table.ts',
  'preload/pool-options-table.test.ts': 'common/pool-options-table.test.ts',
  'preload/pool-schema.ts': 'common/pool-schema.ts',
  'preload/schemas.ts': 'common/schemas.ts',
  'preload/tuning.ts': 'common/tuning.ts',
  'preload/tuning-series.ts': 'common/tuning-series.ts',
  'main/cluster/types.ts': 'common/cluster-types.ts',
  'main/control/config-store.ts': 'main/control/config/config-store.ts',
  'main/control/config-store.test.ts': 'main/control/config/config-store.test.ts',
  'main/control/config-save-failure.test.ts': 'main/control/config/config-save-failure.test.ts',
  'main/control/pool-options.ts': 'main/control/config/pool-options.ts',
  'main/control/agent-validate.ts': 'main/control/config/agent-validate.ts',
  'main/control/agent-validate.test.ts': 'main/control/config/agent-validate.test.ts',
  'main/control/atomic-file.ts': 'main/control/config/atomic-file.ts',
  'main/control/secrets.ts': 'main/control/config/secrets.ts',
  'main/control/data-at-rest.test.ts': 'main/control/config/data-at-rest.test.ts',
  'main/control/sampler.ts': 'main/control/observation/sampler.ts',
  'main/control/sampler.test.ts': 'main/control/observation/sampler.test.ts',
  'main/control/sample-math.ts': 'main/control/observation/sample-math.ts',
  'main/control/history.ts': 'main/control/observation/history.ts',
  'main/control/history.test.ts': 'main/control/observation/history.test.ts',
  'main/control/alerts.ts': 'main/control/observation/alerts.ts',
  'main/control/alerts.test.ts': 'main/control/observation/alerts.test.ts',
  'main/control/alerts-live.test.ts': 'main/control/observation/alerts-live.test.ts',
  'main/control/event-log.ts': 'main/control/observation/event-log.ts',
  'main/control/event-log.test.ts': 'main/control/observation/event-log.test.ts',
  'main/control/snapshot.ts': 'main/control/observation/snapshot.ts',
  'main/control/snapshot.test.ts': 'main/control/observation/snapshot.test.ts',
  'main/control/cluster-view.ts': 'main/control/observation/cluster-view.ts',
  'main/control/emitter.ts': 'main/control/observation/emitter.ts',
  'main/control/python-env.ts': 'main/control/python/python-env.ts',
  'main/control/python-env.test.ts': 'main/control/python/python-env.test.ts',
  'main/control/python-probe.ts': 'main/control/python/python-probe.ts',
  'main/control/interpreter-guard.ts': 'main/control/python/interpreter-guard.ts',
  'main/control/interpreter-guard.test.ts': 'main/control/python/interpreter-guard.test.ts',
  'main/control/agent-path-guard.ts': 'main/control/python/agent-path-guard.ts',
  'main/control/agent-path-guard.test.ts': 'main/control/python/agent-path-guard.test.ts',
  'preload/host-control.ts': 'common/host-control.ts',
  'main/control/handlers.ts': 'main/control/handlers/index.ts',
  'main/control/handlers-cluster.ts': 'main/control/handlers/cluster.ts',
  'main/control/handlers-python.ts': 'main/control/handlers/python.ts',
  'main/control/handlers-tuning.ts': 'main/control/handlers/tuning.ts',
  'main/control/load-generator.ts': 'main/control/tuning/load-generator.ts',
  'main/control/test-helpers.ts': 'main/control/test-support/plane.ts',
  'main/control/test-samples.ts': 'main/control/test-support/samples.ts',
};
// preload/ holds only the bridge now: a pure module a branch added there moves to common/ too.
for (const e of readdirSync('preload')) {
  const old = `preload/${e}`;
  if (/\.tsx?$/.test(e) && e !== 'index.ts' && e !== 'preload.test.ts') MOVED[old] ??= `common/${e}`;
}
// A file still at its old path (a branch's copy, or one added before the moves reached it) moves.
for (const [old, now] of Object.entries(MOVED)) {
  if (!existsSync(old) || existsSync(now)) continue;
  execFileSync('git', ['mv', old, now]);
  console.log(`git mv ${old} ${now}`);
}
const BACK = Object.fromEntries(Object.entries(MOVED).map(([o, n]) => [n, o]));
const SKIP = new Set(['node_modules', 'out', '.tmp', 'release', '__pycache__', '.venv']);
const files = [];
const walk = (d) => {
  if (!existsSync(d)) return;
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isSymbolicLink() || SKIP.has(e.name)) continue;
    const p = `${d}/${e.name}`;
    if (e.isDirectory()) walk(p);
    else if (/\.(tsx?|mts)$/.test(e.name)) files.push(p);
  }
};
for (const d of ['common', 'main', 'preload', 'renderer', 'bench', 'e2e', 'scripts']) walk(d);
const exists = (p) => existsSync(p);
const candidates = (base) => [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`];

for (const file of files) {
  let text = readFileSync(file, 'utf8');
  const edits = [];
  for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
    if (!spec.startsWith('.') || candidates(posix.join(posix.dirname(file), spec)).some(exists)) continue;
    // Unresolved here: read it from where this file (or the file it was) sat before the moves.
    const oldHome = BACK[file] ?? file;
    const oldTarget = candidates(posix.normalize(posix.join(posix.dirname(oldHome), spec))).find((c) => MOVED[c] || exists(c));
    if (!oldTarget) continue;
    const target = MOVED[oldTarget] ?? oldTarget;
    let rel = posix.relative(posix.dirname(file), target).replace(/\.tsx?$/, '');
    if (!/(^|\/)index$/.test(spec)) rel = rel.replace(/\/index$/, ''); // keep a spelled-out /index
    if (!rel.startsWith('.')) rel = `./${rel}`;
    if (rel !== spec) edits.push([spec, rel]);
  }
  for (const [a, b] of edits) {
    const esc = a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(['"])${esc}\\1`, 'g'), (_m, q) => `${q}${b}${q}`);
    console.log(`${file}: ${a} -> ${b}`);
  }
  if (edits.length) writeFileSync(file, text);
}
