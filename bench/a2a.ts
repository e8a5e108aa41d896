// A2A gateway overhead: SendMessage round trips per second through the SDK's
// own client, next to POST /api/submitTask on the same headless server, the
// same control plane and the same 2-worker pool (the gateway is mounted on
// the control center's port, as `npm run serve` runs it). Both paths keep the
// same number of requests outstanding from the same process; each round runs
// both, in alternating order, and the medians are reported.
//   overhead_ratio = http_submit_task_per_s / a2a_send_per_s  (>1: A2A costs that many times more per message)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlane } from '../main/control/index';
import { createHeadlessServer } from '../main/headless/server';
import { createA2AMount } from '../main/a2a/index';
import { connectA2A, dataPart, messageRequest } from '../main/a2a/sdk-client';
import { medianOf, pipelined, root } from './lib';

const TOKEN = 'bench-token-0123456789';
const CONCURRENCY = 32; // requests outstanding at once (one per simulated client)
const MESSAGES = 2_000; // per measurement
const WARMUP = 300;

export interface A2ABenchResult {
  a2a_send_per_s_2_workers: number;
  http_submit_task_per_s_2_workers: number;
  overhead_ratio: number;
}

export async function runA2ABench(rounds = Number(process.env.BENCH_ROUNDS ?? 3)): Promise<A2ABenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'gcc-bench-a2a-'));
  const cp = await ControlPlane.create({
    dataDir: join(dir, 'data'),
    mode: 'headless',
    version: 'bench',
    runtimeDir: join(root, 'python'),
    configOverrides: {
      pool: {
        minWorkers: 2,
        maxWorkers: 2,
        concurrencyPerWorker: 1_000,
        messageQueueSize: 10_000,
        healthCheckInterval: 60_000,
        workerRecycleInterval: 0,
        maxMessagesPerWorker: 0,
        idleTimeout: 600_000,
      },
    },
  });
  const server = await createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir: dir });
  try {
    await waitHealthy(cp, 2);
    const mount = createA2AMount(cp, { token: TOKEN, baseUrl: server.url });
    for (const prefix of mount.prefixes) server.addMount({ prefix, handler: mount.handler });
    const client = await connectA2A(server.url, TOKEN);

    const a2aSend = async (n: number) => {
      const r = await client.sendMessage(messageRequest([dataPart({ n })]));
      if (!('status' in r) || r.status?.state !== 3 /* COMPLETED */) throw new Error(`A2A send ${n} did not complete`);
    };
    const httpSubmit = async (n: number) => {
      const res = await fetch(`${server.url}/api/submitTask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ data: { n } }),
      });
      if (res.status !== 200) throw new Error(`submitTask ${n}: HTTP ${res.status}`);
      await res.json();
    };

    await pipelined(a2aSend, WARMUP, CONCURRENCY);
    await pipelined(httpSubmit, WARMUP, CONCURRENCY);
    let r = 0;
    const m = await medianOf(rounds, async () => {
      const a2aFirst = r++ % 2 === 0;
      const a = a2aFirst ? await pipelined(a2aSend, MESSAGES, CONCURRENCY) : undefined;
      const h = await pipelined(httpSubmit, MESSAGES, CONCURRENCY);
      const a2 = a ?? (await pipelined(a2aSend, MESSAGES, CONCURRENCY));
      return { a2a: Math.round(a2), http: Math.round(h), ratio: h / a2 };
    });
    return { a2a_send_per_s_2_workers: m.a2a, http_submit_task_per_s_2_workers: m.http, overhead_ratio: m.ratio };
  } finally {
    await server.close();
    await cp.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitHealthy(cp: ControlPlane, workers: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await cp.handlers.getStats({});
    if (s.healthy >= workers) return;
    if (Date.now() > deadline) throw new Error(`pool not ready for the A2A bench: ${s.startError ?? JSON.stringify(s)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  console.log(JSON.stringify(await runA2ABench()));
  process.exit(0);
}
