// A2A gateway overhead: SendMessage round trips per second through the SDK's
// own client, next to POST /api/submitTask on the same headless server, the
// same control plane and the same 2-worker pool (the gateway is mounted on
// the control center's port, as `npm run serve` runs it). Both paths keep the
// same number of requests outstanding from the same process; each round runs
// both, in alternating order, and the medians are reported.
//   overhead_ratio = http_submit_task_per_s / a2a_send_per_s  (>1: A2A costs that many times more per message)
//   a2a_share = a2a_send_per_s / http_submit_task_per_s (each round's own ratio, then the median)
//
// runA2ALargeBench: one message of many small objects (`[{},{},…]`) as big as
// the body limit allows, sent alone, A2A vs submitTask of the same data (issue 9:
// such a message once cost A2A seconds of blocked loop and gigabytes of heap).
//   large_ratio = a2a_large_ms / http_large_ms  (target ≤ 2)
// `node --import tsx bench/a2a.ts large` runs only that row and merges it into
// bench/results-extra.json (key a2a_large).
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ControlPlane } from '../main/control/index';
import { createPlane, waitHealthy } from '../main/control/test-support/plane';
import { createHeadlessServer, type HeadlessServer } from '../main/headless/server';
import { MAX_BODY_BYTES } from '../main/headless/http-util';
import { createA2AMount } from '../main/a2a/index';
import { connectA2A, dataPart, messageRequest } from '../main/a2a/sdk-client';
import { median, medianOf, pipelined, root, round } from './lib';

const TOKEN = 'bench-token-0123456789';
const CONCURRENCY = 32; // requests outstanding at once (one per simulated client)
const MESSAGES = 2_000; // per measurement
const WARMUP = 300;
const SLICES = 8;

export interface A2ABenchResult {
  a2a_send_per_s_2_workers: number;
  http_submit_task_per_s_2_workers: number;
  overhead_ratio: number;
  a2a_share: number; // a2a ÷ http msg/s, median over rounds of each round's own ratio (issue 19 target ≥ 0.67)
  a2a_cpu_us_per_send: number; // CPU of this process (client + gateway) per message: steadier than msg/s on a shared machine
  http_cpu_us_per_submit: number;
}

export interface A2ALargeBenchResult {
  body_bytes: number;
  objects: number;
  a2a_large_ms: number;
  http_large_ms: number;
  large_ratio: number;
  a2a_large_loop_block_ms: number; // median over rounds of the longest stall during one request
  http_large_loop_block_ms: number;
  a2a_large_max_loop_block_ms: number; // the longest over all rounds (a major GC can land in any)
  http_large_max_loop_block_ms: number;
}

interface Rig {
  cp: ControlPlane;
  server: HeadlessServer;
}

/** The headless server, its control plane and 2 ready workers, with the A2A gateway mounted; `fn` runs against it. */
async function withRig<T>(fn: (rig: Rig) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gcc-bench-a2a-'));
  const cp = await createPlane(
    join(dir, 'data'),
    {
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
    { version: 'bench', runtimeDir: join(root, 'python') },
  );
  const server = await createHeadlessServer({ controlPlane: cp, token: TOKEN, port: 0, staticDir: dir });
  try {
    await waitHealthy(cp, 2, 30_000);
    const mount = createA2AMount(cp, { token: TOKEN, baseUrl: server.url });
    for (const prefix of mount.prefixes) server.addMount({ prefix, handler: mount.handler });
    return await fn({ cp, server });
  } finally {
    await server.close();
    await cp.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const authJson = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

async function httpSubmit(url: string, data: unknown): Promise<void> {
  const res = await fetch(`${url}/api/submitTask`, { method: 'POST', headers: authJson, body: JSON.stringify({ data }) });
  if (res.status !== 200) throw new Error(`submitTask: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  await res.json();
}

export async function runA2ABench(rounds = Number(process.env.BENCH_ROUNDS ?? 3)): Promise<A2ABenchResult> {
  return withRig(async ({ server }) => {
    const client = await connectA2A(server.url, TOKEN);
    const a2aSend = async (n: number) => {
      const r = await client.sendMessage(messageRequest([dataPart({ n })]));
      if (!('status' in r) || r.status?.state !== 3 /* COMPLETED */) throw new Error(`A2A send ${n} did not complete`);
    };
    const submit = (n: number) => httpSubmit(server.url, { n });

    await pipelined(a2aSend, WARMUP, CONCURRENCY);
    await pipelined(submit, WARMUP, CONCURRENCY);
    // Each round interleaves the two paths in SLICES slices (A, H, H, A, A, H …), so a burst of load
    // from other processes on this shared machine lands on both rather than on one whole side.
    const m = await medianOf(rounds, async () => {
      const secs = { a: 0, h: 0 };
      const cpu = { a: 0, h: 0 }; // this process's CPU (client and server; the Python workers' is the same work on both paths)
      for (let i = 0; i < SLICES; i++) {
        const order: Array<'a' | 'h'> = i % 2 === 0 ? ['a', 'h'] : ['h', 'a'];
        for (const side of order) {
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          await pipelined(side === 'a' ? a2aSend : submit, MESSAGES / SLICES, CONCURRENCY);
          const c = process.cpuUsage(c0);
          secs[side] += (performance.now() - t0) / 1000;
          cpu[side] += c.user + c.system;
        }
      }
      const a = MESSAGES / secs.a,
        h = MESSAGES / secs.h;
      return { a2a: Math.round(a), http: Math.round(h), ratio: h / a, share: a / h, a2aCpu: cpu.a / MESSAGES, httpCpu: cpu.h / MESSAGES };
    });
    return {
      a2a_send_per_s_2_workers: m.a2a,
      http_submit_task_per_s_2_workers: m.http,
      overhead_ratio: m.ratio,
      a2a_share: m.share,
      a2a_cpu_us_per_send: Math.round(m.a2aCpu),
      http_cpu_us_per_submit: Math.round(m.httpCpu),
    };
  });
}

/** A raw SendMessage carrying one data part, as a non-SDK client would post it. */
const sendMessageBody = (data: unknown) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'SendMessage',
    params: { message: { messageId: `bench-${randomUUID()}`, role: 'ROLE_USER', parts: [{ data }] } },
  });

// The large-message clients read the reply as text and look only at its head: the client
// runs in the server's process, and parsing a reply (A2A's carries the data four times:
// the message in history, the artifact, the final status message and its history copy)
// would be counted as the server's cost.
async function a2aRaw(url: string, body: string): Promise<void> {
  const res = await fetch(`${url}/a2a/jsonrpc`, { method: 'POST', headers: { ...authJson, 'A2A-Version': '1.0' }, body });
  const head = (await res.text()).slice(0, 400);
  if (res.status !== 200 || !head.includes('"state":"TASK_STATE_COMPLETED"')) throw new Error(`A2A large send: HTTP ${res.status} ${head}`);
}

async function httpSubmitLarge(url: string, body: string): Promise<void> {
  const res = await fetch(`${url}/api/submitTask`, { method: 'POST', headers: authJson, body });
  const head = (await res.text()).slice(0, 200);
  if (res.status !== 200 || !head.startsWith('{"result":[')) throw new Error(`submitTask large: HTTP ${res.status} ${head}`);
}

/** Wall time of `fn` and the longest event-loop stall seen meanwhile (the server runs in this process). */
async function timed(fn: () => Promise<void>): Promise<{ ms: number; blockMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  h.disable();
  return { ms, blockMs: h.max / 1e6 };
}

export async function runA2ALargeBench(rounds = Number(process.env.BENCH_ROUNDS ?? 5)): Promise<A2ALargeBenchResult> {
  // As many `{}` as fit the A2A body limit, envelope included (3 bytes each: `{},`).
  const objects = Math.floor((MAX_BODY_BYTES - sendMessageBody([]).length - 64) / 3);
  const data = Array.from({ length: objects }, () => ({}));
  const body = sendMessageBody(data);
  const submitBody = JSON.stringify({ data });
  return withRig(async ({ server }) => {
    await a2aRaw(server.url, body); // warm-up: JIT, worker import paths
    await httpSubmitLarge(server.url, submitBody);
    const a: Array<{ ms: number; blockMs: number }> = [];
    const h: Array<{ ms: number; blockMs: number }> = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate the order so neither path always runs after the other's garbage.
      const roundBody = sendMessageBody(data); // a fresh messageId, built outside the timing
      const runA = async () => void a.push(await timed(() => a2aRaw(server.url, roundBody)));
      const runH = async () => void h.push(await timed(() => httpSubmitLarge(server.url, submitBody)));
      if (r % 2 === 0) await runA().then(runH);
      else await runH().then(runA);
    }
    const aMs = median(a.map((x) => x.ms));
    const hMs = median(h.map((x) => x.ms));
    return {
      body_bytes: Buffer.byteLength(body),
      objects,
      a2a_large_ms: round(aMs, 1),
      http_large_ms: round(hMs, 1),
      large_ratio: round(aMs / hMs),
      a2a_large_loop_block_ms: round(median(a.map((x) => x.blockMs)), 1),
      http_large_loop_block_ms: round(median(h.map((x) => x.blockMs)), 1),
      a2a_large_max_loop_block_ms: round(Math.max(...a.map((x) => x.blockMs)), 1),
      http_large_max_loop_block_ms: round(Math.max(...h.map((x) => x.blockMs)), 1),
    };
  });
}

/** Merges one section into bench/results-extra.json, leaving the other sections as the last full run wrote them. */
function recordExtra(key: string, value: unknown): void {
  const file = join(root, 'bench', 'results-extra.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  current[key] = { measuredAt: new Date().toISOString(), ...(value as object) };
  writeFileSync(file, JSON.stringify(current, null, 2) + '\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  if (process.argv[2] === 'large') {
    const r = await runA2ALargeBench();
    console.log(JSON.stringify(r));
    recordExtra('a2a_large', r);
  } else console.log(JSON.stringify(await runA2ABench()));
  process.exit(0);
}
