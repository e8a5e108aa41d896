// The tuning assistant on the mixed agent of issue 16: 25 ms of gevent sleep
// then ~4 ms of CPU per message, 300 msg/s, workers 1–3 × concurrency 2/8/32,
// today 2 × 100. Prints the settings table and the recommendation as the
// assistant produces them. `node --import tsx bench/tuning-mixed.ts`
// (about 3 minutes; ROUNDS, MEASURE_MS to change).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../common/schemas';
import { stepLabel } from '../common/tuning-series';
import { sig3 } from '../common/tuning-style';
import { mergePatch, validateConfig } from '../main/control/config/config-store';
import { toPoolOptions } from '../main/control/config/pool-options';
import { TuningService } from '../main/control/tuning/service';

const dir = mkdtempSync(join(tmpdir(), 'gcc-tuning-mixed-'));
const v = validateConfig(mergePatch(defaultConfig(), { pool: { minWorkers: 2, maxWorkers: 2, concurrencyPerWorker: 100 } }));
if (!v.ok) throw new Error(JSON.stringify(v.issues));
const config = v.config;
const s = new TuningService({
  config: () => config,
  poolOptions: (c) => toPoolOptions(c, { dataDir: dir }),
  liveWorkers: () => 2,
  emit: () => undefined,
  now: Date.now,
});
const started = s.start({
  vary: [
    { setting: 'workers', values: [1, 2, 3] },
    { setting: 'concurrencyPerWorker', values: [2, 8, 32] },
  ],
  load: { rate: 300, sleepMs: 25, cpuMs: 4, failureRate: 0, payloadBytes: 0, replay: false, replayMultiple: 1 },
  warmupMs: 1_000,
  measureMs: Number(process.env.MEASURE_MS ?? 3_000),
  rounds: Number(process.env.ROUNDS ?? 2),
  mode: 'fixed',
});
const t0 = Date.now();
let exp = s.list()[0]!;
while (exp.status === 'running') {
  await new Promise((r) => setTimeout(r, 1_000));
  exp = s.list().find((e) => e.id === started.id)!;
}
const sp = (x: { median: number; min: number; max: number }) => `${sig3(x.median)} (${sig3(x.min)}–${sig3(x.max)})`;
console.log(`status ${exp.status} in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${exp.spec.rounds} rounds, ${exp.spec.measureMs} ms windows`);
console.log('| settings | keeps up | p99 ms (spread) | answered msg/s (spread) | RSS MB |');
console.log('|---|---|---|---|---|');
for (const p of exp.points ?? [])
  console.log(
    `| ${stepLabel(p.settings)}${p.baseline ? ' (today)' : ''} | ${p.keptUp ? 'yes' : `no: ${p.behind}`} | ${sp(p.p99Ms)} | ${sp(p.throughput)} | ${sig3(p.rssBytes / 1_048_576)} |`,
  );
console.log(`\nRecommendation: ${exp.recommendation?.reason}`);
if (exp.recommendation?.hint) console.log(`Try more: ${exp.recommendation.hint}`);
console.log(`Patch: ${JSON.stringify(exp.recommendation?.patch)}`);
rmSync(dir, { recursive: true, force: true });
