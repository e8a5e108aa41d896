// GreenletBridgeAdapter: one Python worker with the API operators know from
// the product spec — a bounded send queue, request/response with retries, and
// metrics. The pool uses the single-attempt process() (inherited from
// WorkerChannel) and does its own re-dispatch; sendMessageWithResponse is the
// standalone path that retries on its own worker, reconnecting after a crash.
import { unwatchAbort, watchAbort } from './abort-watch';
import { delay, isRetryable } from '../retry-policy';
import { resolveAdapterOptions, type AdapterOptions } from './adapter-options';
import { errors, type PoolError } from '../errors';
import type { LatencyHistogram } from '../metrics/latency';
import type { ProcessMessage } from '../types';
import type { ProcessOptions, RetryEvent } from './adapter-types';
import { toPoolError, WorkerChannel } from './worker-channel';
import type { Frame } from './wire';

export { type AdapterOptions, ADAPTER_DEFAULTS } from './adapter-options';
export { ReplyBudget } from './framing';
export type {
  AdapterEvents,
  ChannelState,
  ExitInfo,
  OutputEvent,
  ProcessOptions,
  ProcessResult,
  ProtocolErrorEvent,
  RetryEvent,
} from './adapter-types';
export type { Frame, PongInfo, RegisterInfo, WorkerMetrics } from './wire';

export type ReplyType = 'agent.result' | 'agent.pong' | 'agent.metrics';
export type OutgoingMessage = ProcessMessage | { type: 'agent.ping' } | { type: 'agent.metrics' };

export interface AdapterMetrics {
  messagesSent: number; // agent.process requests written (control frames excluded)
  messagesReceived: number; // agent.process replies read (results and errors)
  errors: number; // failed messages: agent errors, timeouts, crashes, cancels
  averageResponseTime: number; // ms
  lastMessageTime: number; // epoch ms of the last reply, 0 = none yet
  p50: number; // ms
  p95: number;
  p99: number;
  inFlight: number;
  queued: number; // waiting in queueMessage's queue
  retries: number;
  timeouts: number;
  protocolErrors: number;
  lateReplies: number; // replies to requests the host had already given up on
  outputLines: number;
  writeStalls: number; // times a pipe write returned false and frames waited for 'drain'
}

export interface QueueOutcome {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: PoolError;
}

const EXPECTED: Record<OutgoingMessage['type'], ReplyType> = {
  'agent.process': 'agent.result',
  'agent.ping': 'agent.pong',
  'agent.metrics': 'agent.metrics',
};

export class GreenletBridgeAdapter extends WorkerChannel {
  private readonly queue: Array<{ id: string; msg: ProcessMessage }> = [];
  private queueSeq = 0;
  private draining: Promise<QueueOutcome[]> | null = null;
  private retries = 0;
  private closed = false;
  private readonly backoffWakers = new Set<() => void>(); // retry waits that disconnect/kill cut short

  constructor(options: AdapterOptions) {
    super(resolveAdapterOptions(options));
  }

  /** The latency histogram behind getMetrics(); the pool merges these for pool-wide percentiles. */
  get histogram(): LatencyHistogram {
    return this.latency;
  }

  override connect(): ReturnType<WorkerChannel['connect']> {
    this.closed = false;
    return super.connect();
  }

  override disconnect(opts?: { timeout?: number }): Promise<void> {
    this.closed = true;
    this.wakeBackoffs();
    return super.disconnect(opts);
  }

  /** SIGKILL now. Unlike a crash, an explicit kill is final: retries do not reconnect after it. */
  override kill(): void {
    this.closed = true;
    this.wakeBackoffs();
    super.kill();
  }

  /** Bounded: when messageQueueSize messages wait, throws ERR_WORKER_QUEUE_FULL; nothing queued earlier is dropped. */
  queueMessage(msg: ProcessMessage): string {
    if (!msg || msg.type !== 'agent.process')
      throw errors.protocol(`queueMessage takes { type: 'agent.process', data } (got type ${JSON.stringify(msg?.type)})`);
    if (this.queue.length >= this.opts.messageQueueSize) throw errors.workerQueueFull(this.opts.messageQueueSize, 'adapter');
    const id = `q${++this.queueSeq}`;
    this.queue.push({ id, msg });
    return id;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Sends queued messages with at most `concurrency` in flight (each with retries) and resolves,
   * once the queue is empty and all are answered, with one outcome per message in queue order.
   * Never rejects: each failure is in its outcome.
   */
  processQueue(): Promise<QueueOutcome[]> {
    if (!this.draining) this.draining = this.drainQueue().finally(() => (this.draining = null));
    return this.draining;
  }

  private drainQueue(): Promise<QueueOutcome[]> {
    const outcomes: QueueOutcome[] = [];
    let active = 0;
    return new Promise((resolve) => {
      // Refills the window as each answer arrives, so messages queued during the drain are sent too.
      const pump = (): void => {
        while (active < this.opts.concurrency && this.queue.length > 0) {
          const item = this.queue.shift()!;
          const slot = outcomes.push({ id: item.id, ok: false }) - 1;
          active++;
          this.sendMessageWithResponse(item.msg, 'agent.result')
            .then(
              (frame) => (outcomes[slot] = { id: item.id, ok: true, result: frame.result }),
              (err: unknown) => (outcomes[slot] = { id: item.id, ok: false, error: toPoolError(err) }),
            )
            .finally(() => {
              active--;
              pump();
            });
        }
        if (active === 0 && this.queue.length === 0) resolve(outcomes);
      };
      pump();
    });
  }

  /**
   * Sends one message and resolves with its reply frame (matched by id). Retries what
   * retry-policy.ts calls retryable (worker crashed — after reconnecting —, worker queue full,
   * not connected) up to `retries` times with its backoff; never an agent exception or a timeout.
   */
  async sendMessageWithResponse(
    msg: OutgoingMessage,
    expectedType: ReplyType,
    retries = this.opts.maxRetries,
    opts?: ProcessOptions,
  ): Promise<Frame> {
    const want = EXPECTED[msg?.type];
    if (!want) throw errors.protocol(`cannot send message type ${JSON.stringify(msg?.type)}`);
    if (want !== expectedType) throw errors.protocol(`a ${msg.type} is answered by ${want}, not ${expectedType}`);
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.connected && this.everConnected && !this.closed && this.state === 'exited') await this.connect();
        return await this.sendOnce(msg, opts);
      } catch (err) {
        const e = toPoolError(err);
        if (!isRetryable(e) || attempt >= retries || this.closed || opts?.signal?.aborted) throw e;
        const delayMs = delay(attempt + 1, this.opts.retryDelay); // attempt + 1 attempts made so far
        this.retries++;
        this.emit('retry', { attempt: attempt + 1, delayMs, error: e } satisfies RetryEvent);
        await this.backoff(delayMs, opts?.signal);
        // Woken early: an abort ends the call as cancelled, a disconnect/kill with the last error.
        if (opts?.signal?.aborted) throw errors.cancelled('Aborted by the caller while waiting to retry');
        if (this.closed) throw e;
      }
    }
  }

  /** The wait between retries; ends early on abort, disconnect() or kill(). */
  private backoff(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.backoffWakers.delete(done);
        if (signal) unwatchAbort(signal, done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.backoffWakers.add(done);
      if (signal) watchAbort(signal, done);
    });
  }

  private wakeBackoffs(): void {
    for (const wake of [...this.backoffWakers]) wake();
  }

  private sendOnce(msg: OutgoingMessage, opts?: ProcessOptions): Promise<Frame> {
    if (msg.type === 'agent.process') return this.processFrame(msg.data, opts);
    const timeout = opts?.timeout ?? this.opts.timeout;
    return this.control(msg.type, EXPECTED[msg.type], timeout);
  }

  getMetrics(): AdapterMetrics {
    const s = this.stats;
    const h = this.latency;
    return {
      messagesSent: s.messagesSent,
      messagesReceived: s.messagesReceived,
      errors: s.errors,
      averageResponseTime: h.mean,
      lastMessageTime: Math.round(s.lastMessageTime),
      p50: h.percentile(50),
      p95: h.percentile(95),
      p99: h.percentile(99),
      inFlight: this.inFlight,
      queued: this.queue.length,
      retries: this.retries,
      timeouts: s.timeouts,
      protocolErrors: s.protocolErrors,
      lateReplies: s.lateReplies,
      outputLines: s.outputLines,
      writeStalls: s.writeStalls,
    };
  }

  resetMetrics(): void {
    for (const key of Object.keys(this.stats) as Array<keyof typeof this.stats>) this.stats[key] = 0;
    this.retries = 0;
    this.latency.reset();
  }
}
