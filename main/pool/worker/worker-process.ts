// Spawning one worker process (execa) and wiring its pipes: protocol frames
// from stdout, log lines from stderr, frames to stdin with backpressure, and
// one exit callback once the process has exited and its pipes are read out.
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { FrameWriter, LineSplitter, type ReplyBudget } from './framing';
import type { ExitResult } from './start-failure';

export interface WorkerPipes {
  onLine(line: string): void; // one protocol frame
  onOversized(chars: number, head: string): void; // a frame longer than maxFrameChars, dropped
  onOutput(line: string): void; // one stderr line (print(), tracebacks)
  onStall(): void; // a stdin write returned false; frames wait for 'drain'
  onExit(result: ExitResult): void; // once, after the exit and the pipes' end (or PIPE_QUIET_MS): no frame follows
}

const MAX_OUTPUT_LINE = 1024 * 1024;

// Death is read from the process ('exit'), not from its pipes closing: a child that agent code
// left behind (a daemon, a forked copy) inherits stderr and can hold the pipes open for ever,
// which left a dead worker "ready" and its messages waiting for their timeout. Frames the
// worker wrote before it died are still read: after 'exit' the host waits for the pipes to end,
// giving up after this long without protocol data, then closes its ends so a leftover child
// can neither feed it lines nor pin the fds.
export const PIPE_QUIET_MS = 500;
// ...and after this long in any case: a leftover child that holds stdout and keeps writing
// (a fork made below Python, where the worker cannot take the fds back) must not hide it either.
export const PIPE_DRAIN_MAX_MS = 10_000;

export type WorkerSubprocess = ReturnType<typeof spawnRaw>;

function spawnRaw(file: string, args: string[], env: Record<string, string>) {
  // buffer: false — output is consumed as it streams, never accumulated; reject: false — an exit is an event, not an exception.
  // extendEnv off: `env` is the whole environment (workerEnv left the secrets out of it).
  return execa(file, args, { env, extendEnv: false, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, windowsHide: true });
}

/** Throws only when execa itself cannot even try (bad options); a missing interpreter arrives as onExit. */
export function spawnWorkerProcess(
  file: string,
  args: string[],
  env: Record<string, string>,
  maxFrameChars: number,
  budget: ReplyBudget,
  pipes: WorkerPipes,
): { sub: WorkerSubprocess; writer: FrameWriter } {
  const sub = spawnRaw(file, args, env);
  const writer = new FrameWriter(sub.stdin, pipes.onStall);
  // EPIPE/ECONNRESET after the worker died: onExit reports the death; an unhandled
  // stream 'error' would crash the host instead.
  for (const stream of [sub.stdin, sub.stdout, sub.stderr]) stream.on('error', () => {});
  const out = new LineSplitter(pipes.onLine, maxFrameChars, pipes.onOversized);
  const err = new LineSplitter(pipes.onOutput, MAX_OUTPUT_LINE, (_n, head) => pipes.onOutput(`${head}… [line truncated]`));
  let charged = true; // until the exit: a dead worker's last replies are finite, read them out freely
  sub.stdout.on('data', (c: Buffer) => {
    out.push(c);
    if (charged) budget.update(sub.stdout, out.heldChars);
  });
  const uncharge = (): void => {
    if (!charged) return;
    charged = false;
    budget.release(sub.stdout);
  };
  sub.stderr.on('data', (c: Buffer) => err.push(c));
  let done = false;
  const finish = (result: ExitResult): void => {
    if (done) return; // 'exit' and execa's promise both report the end
    done = true;
    uncharge();
    const lastErr = err.end();
    if (lastErr !== null) pipes.onOutput(lastErr);
    const lastOut = out.end();
    if (lastOut !== null) pipes.onLine(lastOut);
    sub.stdout.destroy(); // no-ops when they ended; else cut off whoever still holds them
    sub.stderr.destroy();
    pipes.onExit(result);
  };
  sub.once('exit', (exitCode, signal) => {
    uncharge();
    // No pid: spawning failed (ENOENT…); execa's promise carries that error's details.
    if (sub.pid !== undefined) void afterExit(sub, () => finish({ exitCode: exitCode ?? undefined, signal: signal ?? undefined }));
  });
  // With reject: false execa resolves on every exit; the rejection path is for execa's own failures.
  sub.then(finish, (e: unknown) => finish({ failed: true, code: 'EEXECA', originalMessage: String(e) }));
  return { sub, writer };
}

/** Calls `done` once stdout and stderr have ended, or stdout has been quiet for PIPE_QUIET_MS, or after PIPE_DRAIN_MAX_MS. */
async function afterExit(sub: WorkerSubprocess, done: () => void): Promise<void> {
  let stop!: () => void;
  const over = new Promise<void>((resolve) => (stop = resolve));
  let quietTimer: ReturnType<typeof setTimeout> | undefined;
  const rearm = (): void => {
    clearTimeout(quietTimer);
    quietTimer = setTimeout(stop, PIPE_QUIET_MS);
  };
  rearm();
  const maxTimer = setTimeout(stop, PIPE_DRAIN_MAX_MS);
  sub.stdout.on('data', rearm); // a backlog of replies still being read is progress, not a stall
  void Promise.all([sub.stdout, sub.stderr].map((s) => finished(s).catch(() => undefined))).then(stop);
  await over;
  clearTimeout(quietTimer);
  clearTimeout(maxTimer);
  sub.stdout.off('data', rearm);
  done();
}
