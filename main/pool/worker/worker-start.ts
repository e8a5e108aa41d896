// Starting one worker: the command line it runs, and the handshake from spawn to
// agent.register. Every way a start can fail — the worker's own agent.fatal, an
// invalid agent.register, the start timeout, an exit before registering — ends it
// as one ERR_START_FAILED that names the interpreter, so the operator reads the
// real reason rather than a timeout (start-failure.ts words the exit case).
import type { ResolvedAdapterOptions } from './adapter-options';
import { errors, type PoolError } from '../errors';
import type { FrameWriter, ReplyBudget } from './framing';
import { defaultRuntimeDir, resolvePython, workerArgs, workerEnv, type ResolvedPython, type WorkerConfig } from '../python-runtime';
import { startFailureText, type ExitResult, type StderrTail } from './start-failure';
import { spawnWorkerProcess, type WorkerPipes, type WorkerSubprocess } from './worker-process';
import { parseRegister, type Frame, type RegisterInfo } from './wire';

/** The interpreter a worker of these options runs (the runtime folder decides the default). */
export function workerPython(o: ResolvedAdapterOptions): ResolvedPython {
  return resolvePython(o.pythonPath, o.runtimeDir ?? defaultRuntimeDir());
}

/** Spawns the worker process for these options; throws only when the spawn cannot even be tried. */
export function launchWorker(
  o: ResolvedAdapterOptions,
  python: ResolvedPython,
  budget: ReplyBudget,
  pipes: WorkerPipes,
): { sub: WorkerSubprocess; writer: FrameWriter } {
  const runtimeDir = o.runtimeDir ?? defaultRuntimeDir();
  const config: WorkerConfig = { agent: o.agent, max_queue_size: o.workerQueueSize, concurrency: o.concurrency };
  if (o.agentId !== undefined) config.agent_id = o.agentId;
  if (o.capabilities !== undefined) config.capabilities = o.capabilities;
  return spawnWorkerProcess(python.path, workerArgs(config), workerEnv(runtimeDir, o.pythonPaths, o.env), o.maxFrameBytes, budget, pipes);
}

export interface HandshakeHooks {
  /** Kills this start's process (never a newer one): a worker that failed to start must not linger. */
  kill(): void;
  protocolError(reason: string, line: string): void;
}

// After agent.fatal the worker exits with code 3 by itself; past this it is killed.
const FATAL_EXIT_MS = 2000;

/** One start-up, from spawn until it registered or failed; `registered` settles exactly once. */
export class StartHandshake {
  readonly registered: Promise<RegisterInfo>;
  private resolve!: (info: RegisterInfo) => void;
  private reject!: (e: PoolError) => void;
  private readonly timer: ReturnType<typeof setTimeout>;
  private open = true;

  constructor(
    private readonly python: ResolvedPython,
    timeoutMs: number,
    private readonly tail: StderrTail,
    private readonly hooks: HandshakeHooks,
  ) {
    this.registered = new Promise<RegisterInfo>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.onTimeout(timeoutMs), timeoutMs);
  }

  /** Still waiting for agent.register. */
  get pending(): boolean {
    return this.open;
  }

  /**
   * agent.register or agent.fatal, the frames a starting worker sends without an id. Returns
   * the worker's announcement once it registered; `registered` resolves with it after the caller
   * has marked the channel ready.
   */
  onFrame(frame: Frame, line: string): RegisterInfo | null {
    if (frame.type === 'agent.fatal') {
      this.onFatal(frame);
      return null;
    }
    const info = parseRegister(frame);
    if (typeof info === 'string') {
      this.hooks.protocolError(info, line);
      this.fail(errors.startFailed(`Worker sent an invalid agent.register: ${info}`));
      this.hooks.kill();
      return null;
    }
    this.close();
    return info;
  }

  /** Completes a start that onFrame() reported registered. */
  succeed(info: RegisterInfo): void {
    this.resolve(info);
  }

  /** The process exited before it registered: the reason is in how it exited and what it wrote. */
  onExit(result: ExitResult): void {
    if (!this.open) return;
    const stderrTail = this.tail.text();
    this.fail(
      errors.startFailed(startFailureText(result, this.python, stderrTail), {
        python: this.python.path,
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        stderrTail,
      }),
    );
  }

  private onFatal(frame: Frame): void {
    const e = (frame.error ?? {}) as Record<string, unknown>;
    const message = typeof e.message === 'string' ? e.message : 'agent.fatal without a message';
    const traceback = typeof e.traceback === 'string' ? e.traceback : undefined;
    const python = this.python;
    this.fail(
      errors.startFailed(`Worker failed to start: ${message} [python: ${python.path}, ${python.source}]`, {
        python: python.path,
        traceback,
      }),
    );
    setTimeout(() => this.hooks.kill(), FATAL_EXIT_MS).unref();
  }

  private onTimeout(timeoutMs: number): void {
    const said = this.tail.text();
    this.fail(
      errors.startFailed(`Worker did not register within ${timeoutMs} ms${said ? `. Python output:\n${said}` : ''}`, {
        python: this.python.path,
        stderrTail: said,
      }),
    );
    this.hooks.kill();
  }

  private fail(err: PoolError): void {
    if (!this.close()) return;
    this.reject(err);
  }

  /** Ends the wait; false when it had already ended. */
  private close(): boolean {
    if (!this.open) return false;
    this.open = false;
    clearTimeout(this.timer);
    return true;
  }
}
