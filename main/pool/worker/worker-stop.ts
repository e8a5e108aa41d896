// The graceful stop of one worker, in steps (Piscina's drain, then destroy): after agent.stop
// the worker drains and exits by itself; SIGTERM follows only past the drain limit and SIGKILL
// only past the kill grace, so a worker that finishes in time is never signalled.

export interface StoppingProcess {
  exited(): Promise<void>;
  terminate(): void; // SIGTERM
  kill(): void; // SIGKILL
}

// The worker answers agent.stopped and then exits: time for that exit past its drain limit.
const EXIT_SLACK_MS = 1000;

/** Call once agent.stop is sent; resolves when the process has exited. */
export async function stopInSteps(proc: StoppingProcess, drainMs: number, killGraceMs: number): Promise<void> {
  if (await exitedWithin(proc, drainMs + EXIT_SLACK_MS)) return;
  proc.terminate();
  if (await exitedWithin(proc, killGraceMs)) return;
  proc.kill();
  await proc.exited();
}

async function exitedWithin(proc: StoppingProcess, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([proc.exited().then(() => true as const), timedOut]);
  clearTimeout(timer);
  return done;
}
