// Worker lifecycle: spawn a slot's process, notice when it exits, restart it
// with backoff, retire it gracefully. The pool core owns dispatch; this file
// owns processes. Start failures keep their real Python text visible.
import { ADAPTER_DEFAULTS, GreenletBridgeAdapter, type RegisterInfo } from '../worker/adapter';
import { errors, isPoolError } from '../errors';
import { DEFAULT_PENDING_REPLY_BYTES, ReplyBudget } from '../worker/framing';
import type { EventLevel, PoolEventType, PoolOptions } from '../types';
import { WorkerSlot } from '../worker/worker-slot';

// Unfinished replies the pool holds at once, across all its workers. Each worker alone may hold
// maxFrameBytes (64 MiB) of a reply being read, so 16 workers answering big results together
// could hold 1 GiB before one is parsed. Over this, reading pauses (framing.ts ReplyBudget).
export const POOL_PENDING_REPLY_BYTES = DEFAULT_PENDING_REPLY_BYTES;

export interface WorkerHost {
  readonly opts: PoolOptions;
  readonly closing: boolean;
  emitEvent(type: PoolEventType, level: EventLevel, message: string, workerId?: string, data?: Record<string, unknown>): void;
  onCapacity(slot?: WorkerSlot): void; // a worker became ready (or healthy again): drain the queue onto it
  onStartError(text: string | undefined): void; // undefined = a start succeeded, clear the error
  onNoWorkers(): void; // the last worker died and none will be restarted (restartOnFailure off)
}

export class WorkerManager {
  readonly slots: WorkerSlot[] = [];
  readonly replyBudget = new ReplyBudget(POOL_PENDING_REPLY_BYTES);
  private seq = 0;

  constructor(private readonly host: WorkerHost) {}

  /** Slots that count toward the pool size: not being retired. */
  activeCount(): number {
    let n = 0;
    for (const s of this.slots) if (!s.retiring && !s.surge) n++;
    return n;
  }

  startingCount(): number {
    let n = 0;
    for (const s of this.slots) if (s.state === 'starting') n++;
    return n;
  }

  /** No worker is ready or on its way up. */
  noneAlive(): boolean {
    for (const s of this.slots) if (s.state === 'ready' || s.state === 'starting' || s.restartTimer) return false;
    return true;
  }

  find(id: string): WorkerSlot | undefined {
    return this.slots.find((s) => s.id === id);
  }

  newSlot(): WorkerSlot {
    const slot = new WorkerSlot(`w-${++this.seq}`, this.host.opts);
    this.slots.push(slot);
    return slot;
  }

  remove(slot: WorkerSlot): void {
    slot.clearTimers();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  /** Spawns the slot's process and waits for agent.register. Rejects ERR_START_FAILED with the Python text. */
  async launch(slot: WorkerSlot): Promise<void> {
    const o = this.host.opts;
    slot.state = 'starting';
    slot.healthy = true;
    slot.reserved = slot.solo = false;
    slot.capacity = o.concurrencyPerWorker;
    slot.applyLimits(o);
    const adapter = new GreenletBridgeAdapter({
      pythonPath: o.pythonPath,
      agent: o.agent,
      agentId: o.agentId,
      capabilities: o.capabilities,
      timeout: o.timeout,
      maxRetries: 0, // the pool retries across workers; the adapter must not retry on its own
      retryDelay: o.retryDelay,
      // The pool never has more than `capacity` in flight, so the adapter queue never refuses.
      messageQueueSize: o.concurrencyPerWorker + 16,
      concurrency: o.concurrencyPerWorker,
      workerQueueSize: o.workerQueueSize,
      pythonPaths: o.pythonPaths,
      env: o.env,
      startTimeout: ADAPTER_DEFAULTS.startTimeout,
      drainTimeout: o.drainTimeout,
      replyBudget: this.replyBudget,
    });
    slot.adapter = adapter;
    adapter.on('output', (ev: { stream: string; line: string }) => {
      slot.outputLines++;
      this.host.emitEvent('worker.output', 'debug', ev.line, slot.id, { stream: ev.stream });
    });
    adapter.on('exit', (ev: { code: number | null; signal: string | null }) => {
      if (slot.adapter === adapter && slot.state !== 'starting') this.onExit(slot, ev.code, ev.signal);
    });
    adapter.on('protocol-error', (ev) => {
      // The sample is already bounded and escaped (wire.sampleOf), so it cannot forge or flood log lines.
      this.host.emitEvent('worker.output', 'warn', `protocol error from worker: ${ev.reason}; sample "${ev.sample}"`, slot.id, {
        reason: ev.reason,
        sample: ev.sample,
      });
    });
    let info: RegisterInfo;
    try {
      info = await adapter.connect();
    } catch (err) {
      adapter.kill();
      slot.adapter = null;
      if (this.host.closing || slot.retiring) throw errors.poolClosed(); // stopped on purpose, not a start failure
      slot.state = 'failed';
      // The Python traceback travels with it, lines intact: stats.startError and the event show the real error.
      const text = withTraceback(err);
      slot.lastError = text;
      this.host.onStartError(text);
      this.host.emitEvent('worker.start_failed', 'error', `worker ${slot.id} failed to start: ${text}`, slot.id, {
        error: text,
        details: isPoolError(err) ? err.details : undefined,
      });
      throw isPoolError(err) ? err : errors.startFailed(text);
    }
    if (this.host.closing || slot.retiring) {
      adapter.kill();
      throw errors.poolClosed();
    }
    slot.state = 'ready';
    slot.readyAt = Date.now();
    // From the worker's own start-up report: no "—" (or the last process's figure) until the
    // first health sample, up to healthCheckInterval later. Loop lag is unknown until a ping.
    slot.rssBytes = info.rssBytes;
    slot.loopLagMs = 0;
    slot.messagesThisProcess = 0;
    slot.ewmaMs = 0; // a new process: its latency is learnt afresh
    slot.idleSince = performance.now();
    this.host.onStartError(undefined);
    this.host.emitEvent('worker.started', 'info', `worker ${slot.id} ready (pid ${adapter.pid})`, slot.id, { pid: adapter.pid });
    this.host.onCapacity(slot);
  }

  /** Start a slot; on failure, schedule a restart with backoff instead of throwing. */
  launchOrSchedule(slot: WorkerSlot): void {
    this.launch(slot).then(
      () => undefined,
      () => this.scheduleRestart(slot, null),
    );
  }

  /** Stop routing to the slot, let its in-flight messages finish, stop the process, remove the slot. */
  async retire(slot: WorkerSlot, timeoutMs = this.host.opts.drainTimeout): Promise<void> {
    slot.retiring = true;
    slot.clearTimers();
    const a = slot.adapter;
    if (a && (slot.state === 'ready' || slot.state === 'starting')) {
      slot.state = 'draining';
      try {
        await a.disconnect({ timeout: timeoutMs });
      } catch {
        a.kill();
      }
    }
    slot.state = 'exited';
    this.remove(slot);
    this.host.emitEvent('worker.exited', 'info', `worker ${slot.id} stopped`, slot.id, { planned: true });
  }

  /** Kill a live worker because it is unusable (hub blocked); its exit then goes through onExit. */
  killUnhealthy(slot: WorkerSlot): void {
    slot.adapter?.kill();
  }

  private onExit(slot: WorkerSlot, code: number | null, signal: string | null): void {
    if (slot.retiring || slot.state === 'draining' || slot.state === 'stopping') return; // planned stop: retire() reports it
    const uptime = slot.readyAt > 0 ? Date.now() - slot.readyAt : null;
    slot.state = 'exited';
    slot.healthy = false;
    slot.adapter = null;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    slot.lastError = `process ${how}`;
    this.host.emitEvent('worker.exited', 'warn', `worker ${slot.id} ${how}`, slot.id, { code, signal, uptimeMs: uptime });
    if (!slot.unhealthyReported) {
      this.host.emitEvent('worker.unhealthy', 'error', `worker ${slot.id} process died`, slot.id, { reason: 'process-dead', code, signal });
    }
    slot.unhealthyReported = false;
    slot.suspectSince = 0;
    if (this.host.opts.restartOnFailure && !this.host.closing) this.scheduleRestart(slot, uptime);
    else if (this.noneAlive()) this.host.onNoWorkers();
  }

  scheduleRestart(slot: WorkerSlot, uptimeMs: number | null): void {
    if (this.host.closing || slot.retiring || !this.slots.includes(slot)) return;
    const d = slot.restartPolicy.onFailure(uptimeMs);
    if (d.crashLoop) {
      slot.state = 'failed';
      this.host.emitEvent(
        'worker.restarted',
        'error',
        `worker ${slot.id} is crash-looping (${d.failures} failures); retrying every ${d.delayMs} ms`,
        slot.id,
        {
          crashLoop: true,
          delayMs: d.delayMs,
          lastError: slot.lastError,
        },
      );
    }
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (this.host.closing || slot.retiring) return;
      slot.restarts++;
      this.launch(slot).then(
        () =>
          this.host.emitEvent('worker.restarted', 'info', `worker ${slot.id} restarted (restart #${slot.restarts})`, slot.id, {
            restarts: slot.restarts,
          }),
        () => this.scheduleRestart(slot, null),
      );
    }, d.delayMs); // ref'd: callers awaiting results depend on this worker coming back
  }

  killAll(): void {
    for (const s of this.slots) {
      s.clearTimers();
      s.retiring = true;
      s.adapter?.kill();
    }
  }
}

/** An error's message plus the Python traceback it carries (agent.fatal at start-up), newlines kept. */
function withTraceback(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const details = isPoolError(err) ? (err.details as { traceback?: unknown } | undefined) : undefined;
  const tb = typeof details?.traceback === 'string' ? details.traceback.trimEnd() : '';
  return tb && !err.message.includes(tb) ? `${err.message}\n${tb}` : err.message;
}
