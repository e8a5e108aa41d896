// `npm run bench -- recovery`: what an operator waits for when a busy worker
// dies (kill -9): its in-flight messages re-dispatched and answered, and a
// replacement ready — beside this machine's own spawn → ready time, the floor.
import { GreenletProcessPool, type PoolOptions } from '../main/pool/index';
import { benchPython, medianOf, round } from './lib';

const RUN_MS = 20; // each message's own run time (gevent.sleep), paid again after re-dispatch
const MESSAGES = 400;

function pool(opts: Partial<PoolOptions>) {
  return new GreenletProcessPool({
    pythonPath: benchPython(),
    agent: 'echo_agent:EchoAgent',
    healthCheckInterval: 60_000,
    workerRecycleInterval: 0,
    maxMessagesPerWorker: 0,
    concurrencyPerWorker: 1_000,
    messageQueueSize: 10_000,
    workerQueueSize: 10_000,
    ...opts,
  });
}

async function spawnReady(): Promise<number> {
  const p = pool({ minWorkers: 1, maxWorkers: 1 });
  const t0 = performance.now();
  await p.start();
  const ms = performance.now() - t0;
  await p.shutdown();
  return ms;
}

/** retryDelay: the pool's wait before re-dispatching a crashed worker's message (default 1000 ms). */
async function killBusy(retryDelay: number) {
  const p = pool({ minWorkers: 2, maxWorkers: 2, retryDelay });
  await p.start();
  // A worker that has been serving, as in production: one dying within its first second (the
  // restart policy's minUptime) is treated as a possible crash loop and restarts after 100 ms.
  await new Promise((r) => setTimeout(r, 1_200));
  let replacementAt = 0;
  p.on('event', (ev) => {
    if (ev.type === 'worker.restarted' && !replacementAt) replacementAt = performance.now();
  });
  const answered: number[] = [];
  const all = Array.from({ length: MESSAGES }, (_, n) =>
    p.executeWithInfo({ type: 'agent.process', data: { n, sleep_ms: RUN_MS } }).then((o) => {
      if (o.attempts > 1) answered.push(performance.now());
    }),
  );
  await new Promise((r) => setTimeout(r, 5)); // the workers have the messages and are running them
  const victim = p.getDetailedStats().workers.find((w) => w.inFlight > 0 && w.pid);
  if (!victim?.pid) throw new Error('no busy worker to kill');
  const inFlight = victim.inFlight;
  const t0 = performance.now();
  process.kill(victim.pid, 'SIGKILL');
  await Promise.all(all);
  while (!replacementAt) await new Promise((r) => setTimeout(r, 5));
  await p.shutdown();
  return { inFlight, redispatched: answered.length, answeredMs: Math.max(...answered) - t0, replacementMs: replacementAt - t0 };
}

export async function runRecoveryBench(rounds = Number(process.env.BENCH_ROUNDS ?? 3)) {
  return medianOf(rounds, async () => {
    const spawn = await spawnReady();
    const fast = await killBusy(0);
    const dflt = await killBusy(1_000);
    return {
      spawn_ready_ms: round(spawn, 1),
      kill_to_replacement_ready_ms: round(fast.replacementMs, 1),
      kill_to_redispatched_answered_ms: round(fast.answeredMs, 1),
      kill_to_redispatched_answered_ms_default_retry_delay: round(dflt.answeredMs, 1),
      redispatched_messages: fast.redispatched,
      message_run_ms: RUN_MS,
    };
  });
}
