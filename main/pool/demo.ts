// `npm run demo`: start a pool of echo agents, send a steady stream of work
// (mostly fast, some slow, a few failing), print live stats every second,
// recycle one worker half-way to show a rolling recycle, then shut down.
// DEMO_SECONDS (default 10) and DEMO_RATE (messages/s, default 2000) tune it.
import { GreenletProcessPool, type PoolEvent } from './index';

const seconds = Number(process.env.DEMO_SECONDS ?? 10);
const rate = Number(process.env.DEMO_RATE ?? 2000);

function work(i: number): unknown {
  if (i % 500 === 0) return { i, fail: true, message: `demo failure #${i}` };
  if (i % 20 === 0) return { i, sleep_ms: 50 + (i % 100) };
  return { i, sleep_ms: i % 3 };
}

function line(ev: PoolEvent): string {
  return `  [${ev.level}] ${ev.type}${ev.workerId ? ` ${ev.workerId}` : ''}: ${ev.message}`;
}

async function main(): Promise<void> {
  const pool = new GreenletProcessPool({
    minWorkers: 2,
    maxWorkers: 4,
    loadBalancingStrategy: 'p2c-ewma',
    messageQueueSize: 1000,
    healthCheckInterval: 1000,
    idleTimeout: 3000,
    retryDelay: 50,
  });
  pool.on('event', (ev) => {
    if (ev.type !== 'worker.output') console.log(line(ev));
  });
  console.log(`starting pool (echo_agent, 2..4 workers, p2c-ewma); ${rate} msg/s for ${seconds} s`);
  try {
    await pool.start();
  } catch (err) {
    console.error(`pool could not start: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }

  let sent = 0;
  let ok = 0;
  let failed = 0;
  const perTick = Math.max(1, Math.round(rate / 20));
  const sender = setInterval(() => {
    for (let k = 0; k < perTick; k++) {
      pool.execute({ type: 'agent.process', data: work(sent++) }).then(
        () => ok++,
        () => failed++,
      );
    }
  }, 50);

  let lastOk = 0;
  for (let t = 1; t <= seconds; t++) {
    await new Promise((r) => setTimeout(r, 1000));
    const s = pool.getStats();
    console.log(
      `t=${String(t).padStart(2)}s  workers ${s.total} (ready ${s.healthy}, starting ${s.starting})  ` +
        `in-flight ${s.inFlight}/${s.inFlightCapacity}  queue ${s.queueDepth}/${s.queueCapacity}  ` +
        `done ${ok} (+${ok - lastOk}/s) failed ${failed}  p50 ${s.p50ResponseTime.toFixed(1)} ms  ` +
        `p95 ${s.p95ResponseTime.toFixed(1)} ms  p99 ${s.p99ResponseTime.toFixed(1)} ms`,
    );
    lastOk = ok;
    if (t === Math.floor(seconds / 2)) {
      const id = pool.getDetailedStats().workers[0]?.id;
      if (id) void pool.recycleWorker(id).catch((e: Error) => console.log(`  recycle failed: ${e.message}`));
    }
  }
  clearInterval(sender);
  console.log('shutting down (draining in-flight work)…');
  await pool.shutdown({ timeout: 5000 });
  const d = pool.getDetailedStats();
  console.log(`done: sent ${sent}, ok ${ok}, failed ${failed} (every 500th message fails on purpose), workers left ${d.total}`);
}

void main();
