// The pool's door, from execute() to the dispatcher: a message that cannot run is refused
// here (one message, counted as rejected, that no worker saw); an admitted one takes the
// pool's default timeouts and, while the tuning assistant records traffic, has its shape
// recorded on the way out.
import type { PoolError } from '../errors';
import { recordTraffic, type TrafficRecord } from '../traffic';
import type { ExecuteOptions, PoolOptions, ProcessMessage, TaskOutcome, TaskProgress } from '../types';
import { refusalOf, type AdmissionState } from './admission';
import type { Dispatcher } from './dispatcher';
import { taskProgress } from './task-progress';

export interface IntakeHost {
  readonly opts: PoolOptions; // read per message, so updateConfig() is seen at once
  admission(): AdmissionState;
}

export class Intake {
  /** The pool's traffic recorder (setTrafficRecorder); undefined: nothing is recorded, at no cost. */
  recorder: ((r: TrafficRecord) => void) | undefined;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly host: IntakeHost,
  ) {}

  /** Resolves with the agent's return value, or with a TaskOutcome when `withInfo`. */
  submit(message: ProcessMessage, opts: ExecuteOptions | undefined, withInfo: boolean): Promise<unknown> {
    const refused = this.refusal(message, opts);
    if (refused) return this.refuse(refused);
    const o = this.host.opts;
    const rec = this.recorder;
    const p = this.dispatcher.submit(message.data, opts?.timeout ?? o.timeout, opts?.queueTimeout ?? o.queueTimeout, opts?.signal, withInfo || !!rec);
    return rec ? recordTraffic(p, rec, message.data, withInfo) : p;
  }

  /** submit() with info, plus a progress read that walks the queue: call it now and then, not per message. */
  submitTracked(message: ProcessMessage, opts: ExecuteOptions | undefined): { promise: Promise<TaskOutcome>; progress: () => TaskProgress } {
    const refused = this.refusal(message, opts);
    if (refused)
      return {
        promise: this.refuse(refused),
        progress: () => ({ state: 'done', attempt: 0, maxAttempts: this.host.opts.maxRetries + 1, elapsedMs: 0 }),
      };
    const o = this.host.opts;
    const { promise, task } = this.dispatcher.submitTracked(
      message.data,
      opts?.timeout ?? o.timeout,
      opts?.queueTimeout ?? o.queueTimeout,
      opts?.signal,
    );
    const rec = this.recorder;
    const p = rec ? recordTraffic(promise, rec, message.data, true) : promise;
    return { promise: p as Promise<TaskOutcome>, progress: () => taskProgress(task, this.dispatcher.queue, this.host.opts, performance.now()) };
  }

  private refusal(message: ProcessMessage, opts: ExecuteOptions | undefined): PoolError | undefined {
    return refusalOf(message, opts, this.host.admission());
  }

  /** Refused before the dispatcher saw it: still one message, counted as rejected. */
  private refuse(err: PoolError): Promise<never> {
    this.dispatcher.outcomes.failed(err.code, true);
    return Promise.reject(err);
  }
}
