// Small helpers shared by the benchmark sections: percentiles, medians over
// rounds, and the interpreter/runtime paths the sections spawn.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const fixtures = join(root, 'bench', 'fixtures');

export function benchPython(): string {
  if (process.env.GREENLET_PYTHON) return process.env.GREENLET_PYTHON;
  const venv = process.platform === 'win32' ? 'python/.venv/Scripts/python.exe' : 'python/.venv/bin/python';
  return existsSync(join(root, venv)) ? join(root, venv) : 'python3';
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `fn` for `rounds` rounds and returns each key's median across rounds. */
export async function medianOf<T extends Record<string, number>>(rounds: number, fn: () => Promise<T>): Promise<T> {
  const results: T[] = [];
  for (let r = 0; r < rounds; r++) results.push(await fn());
  const out = {} as Record<string, number>;
  for (const key of Object.keys(results[0] ?? {})) out[key] = round(median(results.map((x) => x[key] as number)));
  return out as T;
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
export const nowUs = () => Number(process.hrtime.bigint()) / 1000;

/** Sequential round trips: p50/p99 in µs over `n` messages after `warmup`. */
export async function sequentialLatency(send: (i: number) => Promise<unknown>, n: number, warmup = 500) {
  for (let i = 0; i < warmup; i++) await send(i);
  const samples = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = nowUs();
    await send(i);
    samples[i] = nowUs() - t0;
  }
  samples.sort((a, b) => a - b);
  return { seq_p50_us: percentile(samples, 50), seq_p99_us: percentile(samples, 99) };
}

/** Pipelined throughput: keeps `window` sends outstanding until `n` complete. */
export async function pipelined(send: (i: number) => Promise<unknown>, n: number, window: number): Promise<number> {
  let next = 0;
  const t0 = nowUs();
  const lane = async () => {
    while (next < n) await send(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, lane));
  return n / ((nowUs() - t0) / 1e6);
}
