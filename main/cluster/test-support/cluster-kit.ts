// Shared by the cluster tests and bench/cluster.ts: the pool every test host runs, the
// windowed load they send, and the teardown of host agents a test may have SIGSTOPped.
import type { HostProcess } from '../local-cluster';

/** Echo agent, 1 worker, no health checks or recycling in the way: each host's pool, worker for worker. */
export const ECHO_POOL = {
  agent: 'echo_agent:EchoAgent',
  minWorkers: 1,
  maxWorkers: 1,
  healthCheckInterval: 60_000,
  workerRecycleInterval: 0,
  maxMessagesPerWorker: 0,
};

/** Runs `send(i)` for i in 0..n-1 keeping `window` outstanding; calls `at(done)` after each answer. Resolves with every result by index; any rejection rejects. */
export async function windowed<T>(
  n: number,
  window: number,
  send: (i: number) => Promise<T>,
  at: (done: number) => void = () => undefined,
): Promise<T[]> {
  const outs: T[] = new Array(n);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      outs[i] = await send(i);
      at(++done);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return outs;
}

/** Resumes (a test may have paused them) and kills each host's whole process group. */
export async function killHosts(hosts: readonly HostProcess[]): Promise<void> {
  for (const h of hosts) {
    h.signalGroupSafe('SIGCONT');
    await h.killGroup();
  }
}
