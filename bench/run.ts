// `npm run bench`: every figure measured in ONE run, several rounds each, medians
// printed with ratios against baselines from the same run, and written to
// bench/results.json. Speed is never asserted in tests; this is where it is judged.
// `npm run bench -- engine` (or section names) runs a part; bench/pool-ratio.ts is the quick
// pool-vs-python-shell comparison.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measurePythonShell, measureRaw } from './baselines';
import { measureAdapter, measureGeventFloor, measureIoBound, measureMemory, measurePool, measureStrategies } from './engine';
import { root, round } from './lib';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Named groups of sections: `node --import tsx bench/run.ts engine` runs the engine figures and their
// baselines only (no UI, no A2A); any section name can be given too.
const GROUPS: Record<string, string[]> = {
  engine: ['raw', 'python_shell', 'adapter', 'pool', 'io_bound', 'memory', 'strategies', 'strategies_io_slow', 'gevent_floor'],
};
const only = process.argv.slice(2).flatMap((name) => GROUPS[name] ?? [name]);
const want = (section: string) => only.length === 0 || only.includes(section);
const log = (msg: string) => console.log(`[bench] ${msg}`);

async function section<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (!want(name)) return undefined;
  log(`${name}…`);
  const t0 = Date.now();
  const r = await fn();
  log(`${name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${JSON.stringify(r)}`);
  return r;
}

/** Optional sections live beside this file (the UI and A2A issues add them). */
async function optional<T>(file: string, exportName: string): Promise<T | undefined> {
  if (!existsSync(join(root, 'bench', file))) return undefined;
  const mod = (await import(`./${file.replace(/\.ts$/, '')}`)) as Record<string, () => Promise<T>>;
  return mod[exportName]?.();
}

const results: Record<string, unknown> = {};
results.raw = await section('raw', () => measureRaw(ROUNDS));
results.python_shell = await section('python_shell', () => measurePythonShell(ROUNDS));
results.adapter = await section('adapter', () => measureAdapter(ROUNDS));
results.pool = await section('pool', () => measurePool(ROUNDS));
results.io_bound = await section('io_bound', () => measureIoBound(ROUNDS));
results.memory = await section('memory', () => measureMemory(ROUNDS));
results.strategies = await section('strategies', () => measureStrategies(ROUNDS));
// Figures beyond the engine issue's fixed key set go to bench/results-extra.json.
const extra: Record<string, unknown> = {};
extra.strategies_io_slow = await section('strategies_io_slow', () => measureStrategies(ROUNDS, 'io'));
extra.gevent_floor = await section('gevent_floor', () => measureGeventFloor(ROUNDS));
extra.ui = await section('ui', () => optional('ui.ts', 'runUiBench'));
extra.a2a = await section('a2a', () => optional('a2a.ts', 'runA2ABench'));
extra.a2a_large = await section('a2a_large', () => optional('a2a.ts', 'runA2ALargeBench'));
extra.cluster = await section('cluster', () => optional('cluster.ts', 'runClusterBench'));
extra.recovery = await section('recovery', () => optional('recovery.ts', 'runRecoveryBench'));

type Num = Record<string, number>;
const raw = results.raw as Num | undefined,
  shell = results.python_shell as Num | undefined;
const adapter = results.adapter as Num | undefined,
  pool = results.pool as Num | undefined;
const io = results.io_bound as Num | undefined,
  mem = results.memory as Num | undefined;
const strategies = results.strategies as Record<string, Num> | undefined;

const checks: Array<[string, number | undefined, string, boolean | undefined]> = [];
const le = (v: number | undefined, max: number) => (v === undefined ? undefined : v <= max);
const ge = (v: number | undefined, min: number) => (v === undefined ? undefined : v >= min);
const ratio = (a?: number, b?: number) => (a !== undefined && b ? round(a / b, 2) : undefined);
const r1 = ratio(adapter?.seq_p50_us, raw?.seq_p50_us);
checks.push(['adapter seq_p50 / raw seq_p50', r1, '≤ 1.5', r1 === undefined ? undefined : r1 <= 1.5]);
const r2 = ratio(pool?.pipelined_msgs_per_s_2_workers, shell?.pipelined_msgs_per_s);
checks.push(['pool 2 workers / python-shell pipelined', r2, '≥ 1.5', r2 === undefined ? undefined : r2 >= 1.5]); // issue 12
const r2b = ratio(pool?.pipelined_msgs_per_s_2_workers, raw?.pipelined_msgs_per_s);
checks.push(['pool 2 workers / raw pipelined', r2b, '(information)', undefined]);
checks.push(['io_bound wall_s', io?.wall_s, '≤ 1.0', io ? io.wall_s! <= 1.0 : undefined]);
checks.push(['bytes per parked message', mem?.bytes_per_parked_message, '≤ 5000', mem ? mem.bytes_per_parked_message! <= 5000 : undefined]);
const floor = (extra.gevent_floor as Num | undefined)?.bytes_per_parked_greenlet;
checks.push(['  bare gevent floor, same interpreter', floor, '(information)', undefined]);
checks.push(['  worker / bare gevent floor', ratio(mem?.bytes_per_parked_message, floor), '(information)', undefined]);
const ui = extra.ui as Num | undefined,
  a2a = extra.a2a as Num | undefined;
checks.push(['charts render, 24 h at 1 s (median ms)', ui?.charts_render_ms_24h, '< 100', ui ? ui.charts_render_ms_24h! < 100 : undefined]); // issue 12's target (was < 200)
checks.push(['charts render, first (cold) ms', ui?.charts_render_ms_24h_first, '(information)', undefined]);
const rec = extra.recovery as Num | undefined;
checks.push([
  'kill -9 busy worker → replacement ready (ms)',
  rec?.kill_to_replacement_ready_ms,
  '< 150',
  rec ? rec.kill_to_replacement_ready_ms! < 150 : undefined,
]);
checks.push(['  spawn → ready, same run (ms)', rec?.spawn_ready_ms, '(information)', undefined]);
checks.push([
  'kill -9 → re-dispatched answered (ms, retryDelay 0)',
  rec?.kill_to_redispatched_answered_ms,
  '< 150',
  rec ? rec.kill_to_redispatched_answered_ms! < 150 : undefined,
]);
checks.push(['  same, default retryDelay 1000 ms', rec?.kill_to_redispatched_answered_ms_default_retry_delay, '(information)', undefined]);
checks.push(['A2A sends/s, 2 workers', a2a?.a2a_send_per_s_2_workers, '(information)', undefined]);
const a2aShare = a2a ? round(a2a.a2a_share ?? a2a.a2a_send_per_s_2_workers! / a2a.http_submit_task_per_s_2_workers!) : undefined;
checks.push(['A2A sends/s ÷ HTTP submitTask/s', a2aShare, '≥ 0.67', ge(a2aShare, 0.67)]); // issue 19
checks.push(['  Node CPU per message, submitTask ÷ A2A', ratio(a2a?.http_cpu_us_per_submit, a2a?.a2a_cpu_us_per_send), '(information)', undefined]);
const large = extra.a2a_large as Num | undefined;
checks.push(['A2A 1 MiB [{},…] ms ÷ submitTask ms', large?.large_ratio, '≤ 2', large ? large.large_ratio! <= 2 : undefined]);
const cl = extra.cluster as Num | undefined;
// Issue 19's targets: 1 host ≥ 0.3× the local pool's msg/s at 200 and at 1,000 outstanding, sequential p50 ≤ 10× (bare echo).
checks.push(['cluster p50 / local, bare echo, sequential', cl?.seq_p50_ratio_1_host, '≤ 10', le(cl?.seq_p50_ratio_1_host, 10)]);
// The floor under that target: one core NATS round trip to another process, same run (cluster-breakdown.ts).
const clFloor = (extra.cluster as { floor?: Num } | undefined)?.floor;
checks.push(['  broker floor: core RTT, 2 processes / local', clFloor?.core_rtt_ratio_to_local, '(information)', undefined]);
checks.push(['cluster p50 / local, 20 ms messages, sequential', cl?.work20ms_p50_ratio_1_host, '≤ 3', le(cl?.work20ms_p50_ratio_1_host, 3)]);
checks.push(['cluster p50 / local, echo, 200 outstanding', cl?.loaded_p50_ratio_1_host, '(information)', undefined]);
checks.push(['cluster msg/s / local, 1 host, 200 outstanding', cl?.throughput_ratio_1_host, '≥ 0.3', ge(cl?.throughput_ratio_1_host, 0.3)]);
checks.push([
  'cluster msg/s / local, 1 host, 1,000 outstanding',
  cl?.throughput_ratio_1_host_1000,
  '≥ 0.3',
  ge(cl?.throughput_ratio_1_host_1000, 0.3),
]);
checks.push(['cluster msg/s / local, 3 hosts', cl?.throughput_ratio_3_hosts, '(information)', undefined]);
checks.push(['cluster msg/s R3 (3-node cluster) / R1, 3 hosts', cl?.r3_throughput_ratio_to_r1_3_hosts, '(information)', undefined]);
checks.push(['cluster p50 R3 / R1, bare echo, sequential', cl?.r3_seq_p50_ratio_to_r1_1_host, '(information)', undefined]);
checks.push([
  'redelivery after host kill, ms',
  cl?.redelivery_max_ms,
  '≤ ack_wait + 1000',
  cl?.redelivery_max_ms === undefined ? undefined : cl.redelivery_max_ms <= (cl.ack_wait_ms ?? 0) + 1_000,
]);
const clx = extra.cluster as { hops_p50_us?: Num; hosts_1?: Num; local?: Num } | undefined;
if (clx?.hops_p50_us && clx.hosts_1) {
  const h = clx.hops_p50_us,
    one = clx.hosts_1;
  log(
    `cluster breakdown, each hop alone (p50 µs): publish+PubAck ${h.publish_puback}, fetch ${h.fetch_one}, KV create ${h.kv_create}, ack awaited ${h.ack_awaited}, KV write→watch ${h.kv_put_to_watch}; sum ${h.sum_of_hops} vs whole path ${round(one.seq_p50_us!, 1)}`,
  );
  const f = clFloor;
  if (f)
    log(
      `cluster broker floor, sequential p50/p99 µs: core RTT 2 processes ${f.core_rtt_2proc_p50_us}/${f.core_rtt_2proc_p99_us}, 1 process ${f.core_rtt_1proc_p50_us}/${f.core_rtt_1proc_p99_us}, JetStream publish+PubAck ${f.js_publish_p50_us}/${f.js_publish_p99_us}, server PING ${f.server_ping_p50_us}; local pool ${round(clx.local?.seq_p50_us ?? 0, 1)} → floor ${f.core_rtt_ratio_to_local}× local`,
    );
  log(
    `cluster CPU per message, 1 host, ${'200'} outstanding (µs): caller ${one.cpu_caller_us}, host agent ${one.cpu_host_us ?? '?'}, nats-server ${one.cpu_server_us ?? '?'}`,
  );
}
if (strategies) {
  const base = strategies['round-robin']?.msgs_per_s;
  for (const [name, s] of Object.entries(strategies)) {
    checks.push([`${name} msgs/s vs round-robin`, ratio(s.msgs_per_s, base), '(information)', undefined]);
  }
}

log('ratios and targets (same run):');
for (const [name, value, target, ok] of checks) {
  if (value === undefined) continue;
  log(`  ${name.padEnd(42)} ${String(value).padStart(10)}  target ${target}${ok === undefined ? '' : ok ? '  MET' : '  NOT MET'}`);
}

const ratios = Object.fromEntries(
  checks.filter(([, v]) => v !== undefined).map(([name, v, target, ok]) => [name.trim(), { value: v, target, met: ok }]),
);
const measuredAt = new Date().toISOString();
if (only.length === 0) {
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(root, 'bench', 'results-extra.json'), JSON.stringify({ measuredAt, ...extra, ratios }, null, 2) + '\n');
  log('wrote bench/results.json and bench/results-extra.json');
} else {
  // A partial run replaces only the sections it measured, each stamped with its own time, so a
  // file never shows one run's figures under another run's date.
  const merge = (file: string, sections: Record<string, unknown>) => {
    const path = join(root, 'bench', file);
    const cur = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
    let n = 0;
    const stamp = file === 'results-extra.json'; // results.json keeps the engine issue's fixed shape
    for (const [k, v] of Object.entries(sections)) {
      if (v === undefined) continue;
      cur[k] = stamp ? { measuredAt, ...(v as object) } : v;
      n++;
    }
    if (n === 0) return;
    if (stamp) {
      const fresh = Object.fromEntries(Object.entries(ratios).map(([k, r]) => [k, { ...r, measuredAt }])); // the rest keep the full run's date
      cur.ratios = { ...(cur.ratios as object), ...fresh };
    }
    writeFileSync(path, JSON.stringify(cur, null, 2) + '\n');
    log(`updated ${n} section(s) of bench/${file}`);
  };
  merge('results.json', results);
  merge('results-extra.json', extra);
}
process.exit(0);
