// One Python worker process and the request/reply channel to it: spawn and
// start-up handshake (worker-start.ts), id-matched replies and host-side deadlines
// (requests.ts), cancel, drain (worker-stop.ts) and kill. GreenletBridgeAdapter
// (adapter.ts) adds the spec's queue, retry and metrics API on top. Everything
// read from the worker is untrusted: a bad frame is counted and reported, never
// thrown into the host.
import { EventEmitter } from 'node:events';
import type { ResolvedAdapterOptions } from './adapter-options';
import type { AdapterEvents, ChannelState, ExitInfo, ProcessOptions, ProcessResult } from './adapter-types';
import { errors, isPoolError, type PoolError } from '../errors';
import { ReplyBudget, type FrameWriter } from './framing';
import { LatencyHistogram } from '../metrics/latency';
import { CONTROL, emptyStats, PROCESS, PROCESS_FRAME, RequestTable, type ReplySink } from './requests';
import { StderrTail, type ExitResult } from './start-failure';
import type { WorkerSubprocess } from './worker-process';
import { launchWorker, StartHandshake, workerPython } from './worker-start';
import { stopInSteps } from './worker-stop';
import * as wire from './wire';

export class WorkerChannel extends EventEmitter<AdapterEvents> {
  protected readonly stats = emptyStats();
  protected readonly latency = new LatencyHistogram();
  private readonly requests = new RequestTable(this.stats, this.latency, {
    sendCancel: (target) => this.sendCancel(target),
    protocolError: (reason, line) => this.protocolError(reason, line),
    maxQueueSize: () => this.registerInfo?.maxQueueSize ?? null,
  });
  protected everConnected = false;
  private channelState: ChannelState = 'idle';
  private sub: WorkerSubprocess | null = null;
  private writer: FrameWriter | null = null;
  private registerInfo: wire.RegisterInfo | null = null;
  private childPid: number | null = null;
  private readonly tail = new StderrTail();
  private starting: StartHandshake | null = null;
  private connecting: Promise<wire.RegisterInfo> | null = null;
  private stopping: Promise<void> | null = null;
  private exitWaiters: Array<() => void> = [];
  private bytesIn = 0;
  private readonly replyBudget: ReplyBudget;

  constructor(protected readonly opts: ResolvedAdapterOptions) {
    super();
    this.replyBudget = opts.replyBudget ?? new ReplyBudget();
  }

  get inFlight(): number {
    return this.requests.inFlight;
  }
  get pid(): number | null {
    return this.childPid;
  }
  get info(): wire.RegisterInfo | null {
    return this.registerInfo;
  }
  get connected(): boolean {
    return this.channelState === 'ready';
  }
  get state(): ChannelState {
    return this.channelState;
  }
  /** Bytes read from the worker's protocol pipe so far. Only its hub writes there (stderr does
   * not count), so a change means the hub ran: the health check's "busy, not blocked" evidence.
   * Bytes, not whole frames: on a starved machine one multi-megabyte reply can take longer to
   * read than a ping may wait, and a frame count would not move meanwhile. */
  get protocolBytesReceived(): number {
    return this.bytesIn;
  }
  /** How much of the host's frames the worker has read off its input pipe (FrameWriter.consumed):
   * a hub decoding megabytes of input is busy too, though it writes nothing meanwhile. */
  get protocolInputConsumed(): number {
    return this.writer?.consumed ?? 0;
  }
  /** Frames sent to the worker that it has not read yet (bytes, about): the pool stops routing to it past a bound. */
  get queuedInputBytes(): number {
    return this.writer?.queuedChars ?? 0;
  }

  connect(): Promise<wire.RegisterInfo> {
    if (this.channelState === 'ready' && this.registerInfo) return Promise.resolve(this.registerInfo);
    if (this.connecting) return this.connecting;
    if (this.channelState === 'stopping') return Promise.reject(errors.notConnected('Worker is stopping; cannot connect now'));
    this.connecting = this.spawn().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** One attempt: deadline_ms goes to the worker (it kills the greenlet); a coarse host timer backs it up. */
  process(data: unknown, opts?: ProcessOptions): Promise<ProcessResult> {
    return this.send(PROCESS, data, opts);
  }

  protected processFrame(data: unknown, opts?: ProcessOptions): Promise<wire.Frame> {
    return this.send(PROCESS_FRAME, data, opts);
  }

  async ping(timeoutMs: number): Promise<wire.PongInfo> {
    return wire.parsePong(await this.control('agent.ping', 'agent.pong', timeoutMs));
  }

  async fetchMetrics(timeoutMs = 5000): Promise<wire.WorkerMetrics> {
    const m = wire.parseMetrics(await this.control('agent.metrics', 'agent.metrics', timeoutMs));
    if (typeof m === 'string') throw errors.protocol(m);
    return m;
  }

  /** Graceful: agent.stop lets the worker drain; SIGTERM after the drain limit, SIGKILL after killGrace. */
  disconnect(opts: { timeout?: number } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.channelState === 'idle' || this.channelState === 'exited') return Promise.resolve();
    if (this.channelState === 'starting') {
      this.killProcess();
      return this.exited();
    }
    const drainMs = opts.timeout ?? this.opts.drainTimeout;
    // Tracked like any request so its agent.stopped reply is expected, not a stray frame.
    this.fireAndForget('agent.stop', 'agent.stopped', { timeout_ms: drainMs });
    this.channelState = 'stopping';
    const proc = { exited: () => this.exited(), terminate: () => this.sub?.kill('SIGTERM'), kill: () => this.killProcess() };
    this.stopping = stopInSteps(proc, drainMs, this.opts.killGrace).finally(() => (this.stopping = null));
    return this.stopping;
  }

  /** Immediate SIGKILL; pending requests reject with ERR_WORKER_CRASHED when the exit is seen. */
  kill(): void {
    this.killProcess();
  }

  private killProcess(): void {
    if (this.sub && this.channelState !== 'exited' && this.channelState !== 'idle') this.sub.kill('SIGKILL');
  }

  /**
   * The pool's hot path: process() without a promise or a result object per message. The
   * result reaches `sink.onReply(ctx, result, now)`; any failure reaches `sink.onFailure(ctx, err)`
   * in a later microtask (never inside this call), as process()'s rejection would.
   */
  processTo<C>(data: unknown, opts: ProcessOptions | undefined, ctx: C, sink: ReplySink<C>, now = performance.now()): void {
    this.request(PROCESS, data, opts, noop, noop, sink as ReplySink<unknown>, ctx, now);
  }

  private send(kind: number, data: unknown, opts: ProcessOptions | undefined): Promise<never> {
    return new Promise<never>((resolve, reject) => this.request(kind, data, opts, resolve, reject, undefined, undefined, performance.now()));
  }

  private request(
    kind: number,
    data: unknown,
    opts: ProcessOptions | undefined,
    resolve: (v: never) => void,
    reject: (e: PoolError) => void,
    sink: ReplySink<unknown> | undefined,
    ctx: unknown,
    now: number,
  ): void {
    if (this.channelState !== 'ready') return failEarly(this.notReady(), reject, sink, ctx);
    const signal = opts?.signal;
    if (signal?.aborted) return failEarly(errors.cancelled('Aborted before it was sent'), reject, sink, ctx);
    const limit = opts?.timeout ?? this.opts.timeout;
    const id = this.requests.nextId();
    let line: string;
    try {
      line = wire.encodeProcess(id, data, limit);
    } catch (err) {
      return failEarly(toPoolError(err), reject, sink, ctx);
    }
    const p = this.requests.add(id, kind, 'agent.result', limit, limit > 0 ? limit + this.opts.hostTimeoutGrace : 0, resolve, reject, sink, ctx, now);
    if (signal) this.requests.watchAbort(p, signal);
    this.writer!.write(line);
  }

  protected control(type: string, expect: string, timeoutMs: number): Promise<wire.Frame> {
    if (this.channelState !== 'ready') return Promise.reject(this.notReady());
    const id = this.requests.nextId();
    return new Promise<wire.Frame>((resolve, reject) => {
      this.requests.add(id, CONTROL, expect, timeoutMs, timeoutMs, resolve as (v: never) => void, reject);
      this.writer!.write(wire.encodeControl(type, id));
    });
  }

  private sendCancel(target: string): void {
    if (this.channelState === 'ready' || this.channelState === 'stopping') this.fireAndForget('agent.cancel', 'agent.result', { target });
  }

  /** A control request nobody awaits; its reply (or the worker's death) just closes it. */
  private fireAndForget(type: string, expect: string, extra: Record<string, unknown>): void {
    const id = this.requests.nextId();
    this.requests.add(id, CONTROL, expect, 0, 0, noop, noop);
    this.writer?.write(wire.encodeControl(type, id, extra));
  }

  private notReady(): PoolError {
    if (this.channelState === 'stopping') return errors.notConnected('Worker is stopping; message refused');
    if (this.channelState === 'starting') return errors.notConnected('Worker is still starting; message refused');
    return errors.notConnected(
      this.everConnected ? 'Worker is not running (it exited)' : 'Adapter is not connected; call connect() first',
      this.everConnected,
    );
  }

  private onLine(line: string): void {
    const frame = this.requests.route(line);
    if (frame === null) return;
    const start = this.starting;
    if (start?.pending && (frame.type === 'agent.register' || frame.type === 'agent.fatal')) return this.onHandshake(start, frame, line);
    this.protocolError(`unexpected frame "${frame.type}" without id`, line);
  }

  /** A dropped oversized reply must not leave its caller waiting for the deadline: its id is near the start. */
  private onOversized(bytes: number, head: string): void {
    const err = this.protocolError(`frame of ${bytes} bytes exceeds maxFrameBytes (${this.opts.maxFrameBytes})`, head);
    const id = /"id"\s*:\s*"([0-9a-z]+)"/.exec(head)?.[1];
    const p = id === undefined ? undefined : this.requests.get(id);
    if (p) this.requests.fail(p, err);
  }

  private protocolError(reason: string, line: string): PoolError {
    this.stats.protocolErrors++;
    const sample = wire.sampleOf(line);
    this.emit('protocol-error', { reason, sample });
    return errors.protocol(reason, sample);
  }

  private onHandshake(start: StartHandshake, frame: wire.Frame, line: string): void {
    const info = start.onFrame(frame, line);
    if (info === null) return;
    this.registerInfo = info;
    this.channelState = 'ready';
    this.everConnected = true;
    this.emit('register', info);
    start.succeed(info);
  }

  private spawn(): Promise<wire.RegisterInfo> {
    const python = workerPython(this.opts);
    this.channelState = 'starting';
    this.registerInfo = null;
    this.tail.clear();
    let launched: ReturnType<typeof launchWorker>;
    try {
      launched = launchWorker(this.opts, python, this.replyBudget, {
        onLine: (line) => this.onLine(line),
        onOversized: (chars, head) => this.onOversized(chars, head),
        onOutput: (line) => this.onOutput(line),
        onStall: () => this.stats.writeStalls++,
        onExit: (result) => this.onExit(result),
      });
    } catch (err) {
      this.channelState = 'exited';
      return Promise.reject(errors.startFailed(`Cannot start "${python.path}": ${(err as Error).message}`, { python: python.path }));
    }
    const sub = (this.sub = launched.sub);
    this.writer = launched.writer;
    sub.stdout.on('data', (c: Buffer) => (this.bytesIn += c.length));
    this.childPid = sub.pid ?? null;
    this.starting = new StartHandshake(python, this.opts.startTimeout, this.tail, {
      kill: () => {
        if (this.sub === sub) this.killProcess(); // not a newer process started meanwhile
      },
      protocolError: (reason, line) => this.protocolError(reason, line),
    });
    return this.starting.registered;
  }

  private onOutput(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.stats.outputLines++;
    this.tail.push(clean);
    this.emit('output', { stream: 'stderr', line: clean });
  }

  private onExit(result: ExitResult): void {
    const code = result.exitCode ?? null;
    const signal = result.signal ?? null;
    this.channelState = 'exited';
    this.writer?.close();
    const pendingIds = this.requests.failAll(errors.workerCrashed({ pid: this.childPid, code, signal }));
    this.starting?.onExit(result);
    this.emit('exit', { code, signal, pendingIds } satisfies ExitInfo);
    for (const w of this.exitWaiters.splice(0)) w();
  }

  /** Resolves once the worker process has exited (at once when none runs). */
  exited(): Promise<void> {
    if (this.channelState === 'exited' || this.channelState === 'idle') return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }
}

const noop = (): void => {};

function failEarly(err: PoolError, reject: (e: PoolError) => void, sink: ReplySink<unknown> | undefined, ctx: unknown): void {
  if (sink === undefined) reject(err);
  else queueMicrotask(() => sink.onFailure(ctx, err));
}

export function toPoolError(err: unknown): PoolError {
  return isPoolError(err) ? err : errors.protocol(err instanceof Error ? err.message : String(err));
}
