// Baselines measured in the same run as the project's own figures:
// - raw: a bare Node⇄Python pipe echo, both sides batching writes — the physical limit here;
// - python_shell: the npm package python-shell doing the same JSON echo — the peer.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PythonShell } from 'python-shell';
import { benchPython, fixtures, medianOf, pipelined, sequentialLatency } from './lib';

type Pending = Map<number, (v: unknown) => void>;

function rawEcho() {
  const child = spawn(benchPython(), ['-u', join(fixtures, 'raw_echo.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pending: Pending = new Map();
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const msg = JSON.parse(line) as { id: number; result: unknown };
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    }
  });
  let out: string[] = [];
  const flush = () => {
    child.stdin.write(out.join(''));
    out = [];
  };
  const send = (i: number) =>
    new Promise((resolve) => {
      pending.set(i, resolve);
      if (out.push(JSON.stringify({ id: i, data: { n: i } }) + '\n') === 1) queueMicrotask(flush);
    });
  return { send, close: () => child.stdin.end() };
}

function shellEcho() {
  const shell = new PythonShell(join(fixtures, 'shell_echo.py'), { mode: 'json', pythonPath: benchPython(), pythonOptions: ['-u'] });
  const pending: Pending = new Map();
  shell.on('message', (msg: { id: number; result: unknown }) => {
    pending.get(msg.id)?.(msg.result);
    pending.delete(msg.id);
  });
  const send = (i: number) =>
    new Promise((resolve) => {
      pending.set(i, resolve);
      shell.send({ id: i, data: { n: i } });
    });
  return { send, close: () => shell.end(() => undefined), pid: shell.childProcess.pid };
}

async function measure(make: () => { send: (i: number) => Promise<unknown>; close: () => void }, rounds: number) {
  return medianOf(rounds, async () => {
    const echo = make();
    let id = 0;
    const seq = await sequentialLatency(() => echo.send(id++), 3_000);
    const rate = await pipelined(() => echo.send(id++), 50_000, 1_000);
    echo.close();
    return { ...seq, pipelined_msgs_per_s: Math.round(rate) };
  });
}

export const measureRaw = (rounds: number) => measure(rawEcho, rounds);
export const measurePythonShell = (rounds: number) => measure(shellEcho, rounds);

/** python-shell's pipelined rate alone (warm-up, then the same 50,000 × window 1,000 as measure()). */
export async function measurePythonShellPipelined(onMeasure?: (phase: 'start' | 'end', pids: number[]) => void): Promise<number> {
  const echo = shellEcho();
  let id = 0;
  await pipelined(() => echo.send(id++), 5_000, 1_000);
  const pids = echo.pid === undefined ? [] : [echo.pid];
  onMeasure?.('start', pids);
  const rate = await pipelined(() => echo.send(id++), 50_000, 1_000);
  onMeasure?.('end', pids);
  echo.close();
  return Math.round(rate);
}
