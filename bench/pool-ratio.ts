// Quick same-run comparison for issue 12's "pool, 2 workers, pipelined ≥ 1.5× python-shell":
// alternates python-shell and the 2-worker pool (the bench's own settings), round by round,
// and prints each round's ratio and the medians. The machine is shared, so only ratios from
// one run mean anything. Also prints CPU time per message of the host and of the Python
// side(s) (Linux /proc): that figure barely moves with other load, so it shows where a change
// saved work even when throughput is noisy.
// Usage: node --import tsx bench/pool-ratio.ts [rounds=5]
import { readFileSync } from 'node:fs';
import { measurePythonShellPipelined } from './baselines';
import { pool } from './engine';
import { median, pipelined, round } from './lib';

const N = 50_000;
const rounds = Number(process.argv[2] ?? 5);

/** CPU ms of a process (user + system), from /proc; 0 where /proc is missing. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return 0;
  }
}

/** Records host and child CPU between 'start' and 'end': µs per message. */
function cpuMeter() {
  let host = process.cpuUsage();
  let kids = 0;
  const out = { hostUs: 0, pyUs: 0 };
  const hook = (phase: 'start' | 'end', pids: number[]) => {
    const total = pids.reduce((a, p) => a + cpuMs(p), 0);
    if (phase === 'start') {
      host = process.cpuUsage();
      kids = total;
    } else {
      const d = process.cpuUsage(host);
      out.hostUs = (d.user + d.system) / N;
      out.pyUs = ((total - kids) * 1000) / N;
    }
  };
  return { hook, out };
}

async function poolRound(): Promise<{ rate: number; hostUs: number; pyUs: number }> {
  const p = pool({ minWorkers: 2, maxWorkers: 2, concurrencyPerWorker: 1_000, messageQueueSize: 10_000 });
  await p.start();
  let i = 0;
  await pipelined(() => p.execute({ type: 'agent.process', data: { n: i++ } }), 5_000, 1_000);
  const pids = p
    .getDetailedStats()
    .workers.map((w) => w.pid ?? 0)
    .filter((x) => x > 0);
  const m = cpuMeter();
  m.hook('start', pids);
  const rate = await pipelined(() => p.execute({ type: 'agent.process', data: { n: i++ } }), N, 1_000);
  m.hook('end', pids);
  await p.shutdown();
  return { rate: Math.round(rate), ...m.out };
}

const rows: Array<Record<string, number>> = [];
for (let r = 0; r < rounds; r++) {
  // The order alternates, so whatever one leaves behind (garbage, a process still exiting) is
  // borne by both sides alike.
  const sm = cpuMeter();
  let shell: number;
  let pl: Awaited<ReturnType<typeof poolRound>>;
  if (r % 2 === 0) {
    shell = await measurePythonShellPipelined(sm.hook);
    pl = await poolRound();
  } else {
    pl = await poolRound();
    shell = await measurePythonShellPipelined(sm.hook);
  }
  const row = {
    shell: shell,
    pool: pl.rate,
    ratio: round(pl.rate / shell, 3),
    shellHostUs: round(sm.out.hostUs, 2),
    shellPyUs: round(sm.out.pyUs, 2),
    poolHostUs: round(pl.hostUs, 2),
    poolPyUs: round(pl.pyUs, 2),
  };
  rows.push(row);
  console.log(`round ${r + 1}: ${JSON.stringify(row)}`);
}
const med = Object.fromEntries(Object.keys(rows[0] ?? {}).map((k) => [k, round(median(rows.map((x) => x[k]!)), 3)]));
console.log(`median: ${JSON.stringify(med)}  (…Us = CPU µs per message; poolPyUs sums both workers)`);
process.exit(0);
