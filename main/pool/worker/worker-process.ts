// Spawning one worker process (execa) and wiring its pipes: protocol frames
// from stdout, log lines from stderr, frames to stdin with backpressure, and
// one exit callback after every pipe has been read to the end.
import { execa } from 'execa';
import { FrameWriter, LineSplitter } from './framing';
import type { ExitResult } from './start-failure';

export interface WorkerPipes {
  onLine(line: string): void; // one protocol frame
  onOversized(chars: number, head: string): void; // a frame longer than maxFrameChars, dropped
  onOutput(line: string): void; // one stderr line (print(), tracebacks)
  onStall(): void; // a stdin write returned false; frames wait for 'drain'
  onExit(result: ExitResult): void; // after stdout/stderr ended: no frame can follow
}

const MAX_OUTPUT_LINE = 1024 * 1024;

export type WorkerSubprocess = ReturnType<typeof spawnRaw>;

function spawnRaw(file: string, args: string[], env: Record<string, string>) {
  // buffer: false — output is consumed as it streams, never accumulated; reject: false — an exit is an event, not an exception.
  return execa(file, args, { env, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, windowsHide: true });
}

/** Throws only when execa itself cannot even try (bad options); a missing interpreter arrives as onExit. */
export function spawnWorkerProcess(file: string, args: string[], env: Record<string, string>, maxFrameChars: number, pipes: WorkerPipes): { sub: WorkerSubprocess; writer: FrameWriter } {
  const sub = spawnRaw(file, args, env);
  const writer = new FrameWriter(sub.stdin, pipes.onStall);
  // EPIPE/ECONNRESET after the worker died: onExit reports the death; an unhandled
  // stream 'error' would crash the host instead.
  for (const stream of [sub.stdin, sub.stdout, sub.stderr]) stream.on('error', () => {});
  const out = new LineSplitter(pipes.onLine, maxFrameChars, pipes.onOversized);
  const err = new LineSplitter(pipes.onOutput, MAX_OUTPUT_LINE, (_n, head) => pipes.onOutput(`${head}… [line truncated]`));
  sub.stdout.on('data', (c: Buffer) => out.push(c));
  sub.stderr.on('data', (c: Buffer) => err.push(c));
  const finish = (result: ExitResult): void => {
    const lastErr = err.end();
    if (lastErr !== null) pipes.onOutput(lastErr);
    const lastOut = out.end();
    if (lastOut !== null) pipes.onLine(lastOut);
    pipes.onExit(result);
  };
  // With reject: false execa resolves on every exit; the rejection path is for execa's own failures.
  sub.then(finish, (e: unknown) => finish({ failed: true, code: 'EEXECA', originalMessage: String(e) }));
  return { sub, writer };
}
