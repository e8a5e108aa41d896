// A2A message -> one pool task. Each message becomes a Task that goes
// submitted -> working -> completed | failed | canceled, published on the SDK's
// event bus so a blocking send returns the final task, a streaming send sees
// every step, and tasks/get and tasks/cancel work on the stored task.
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { Role, TaskState, type Message, type Part, type Task } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { errorCodeOf } from '../../common/error-table';
import { partsToData, resultToParts, textPart } from './parts';
import type { ResolvedHost } from './types';

/**
 * Each run's AbortController (it carries tasks/cancel to the pool), reused once its run ended
 * without an abort and with no listener left on it (the pool stops watching a signal when its
 * message settles). Why: in Node 20 a fresh one costs ~4 µs a message more than a used one —
 * the signal is built as a transferable object, and the first 'abort' listener on a signal
 * (the pool's, abort-watch.ts) is several times dearer than a later one.
 */
class Controllers {
  private readonly spare: AbortController[] = [];

  take(): AbortController {
    return this.spare.pop() ?? new AbortController();
  }

  giveBack(c: AbortController): void {
    if (c.signal.aborted || this.spare.length >= 256 || getEventListeners(c.signal, 'abort').length > 0) return;
    this.spare.push(c);
  }
}

// Status timestamps: three a message, each a Date and an ISO string (~1 µs); one per millisecond is enough.
let isoMs = -1;
let iso = '';
function now(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    iso = new Date(ms).toISOString();
    isoMs = ms;
  }
  return iso;
}

// The error table's code (ERR_INTERNAL for an error without one), as at every other door.
const errorCode = errorCodeOf;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Optional per-message run deadline: message or request metadata `timeoutMs`. */
function timeoutOf(ctx: RequestContext): number | undefined {
  const v = ctx.userMessage.metadata?.timeoutMs ?? ctx.request.metadata?.timeoutMs;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export class PoolAgentExecutor implements AgentExecutor {
  private readonly running = new Map<string, AbortController>(); // by task id
  private readonly controllers = new Controllers();

  constructor(private readonly host: ResolvedHost) {}

  /** Tasks whose pool execution has not settled yet (for tests and stats). */
  get inFlight(): number {
    return this.running.size;
  }

  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = ctx;
    const agentMessage = (parts: Part[]): Message => ({
      role: Role.ROLE_AGENT,
      messageId: randomUUID(),
      taskId,
      contextId,
      parts,
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    });
    const status = (state: TaskState, parts?: Part[], metadata?: Record<string, unknown>) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state, message: parts ? agentMessage(parts) : undefined, timestamp: now() },
          metadata,
        }),
      );

    // The SDK requires a task (or message) as the first event of every execution.
    if (!ctx.task) {
      const task: Task = {
        id: taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
        artifacts: [],
        history: [ctx.userMessage],
        metadata: undefined,
      };
      bus.publish(AgentEvent.task(task));
    }

    const started = performance.now();
    let data: unknown;
    try {
      data = partsToData(ctx.userMessage.parts);
    } catch (err) {
      status(TaskState.TASK_STATE_FAILED, [textPart(errorMessage(err))], { errorCode: errorCode(err) });
      this.host.record({ source: 'a2a', ok: false, latencyMs: performance.now() - started, message: errorMessage(err) });
      return;
    }

    const controller = this.controllers.take();
    this.running.set(taskId, controller);
    status(TaskState.TASK_STATE_WORKING);
    try {
      const outcome = await this.host.pool().executeWithInfo(
        { type: 'agent.process', data },
        {
          signal: controller.signal,
          timeout: timeoutOf(ctx),
        },
      );
      const parts = resultToParts(outcome.result);
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: { artifactId: randomUUID(), name: 'result', description: '', parts, metadata: undefined, extensions: [] },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );
      status(TaskState.TASK_STATE_COMPLETED, parts, { workerId: outcome.workerId, latencyMs: outcome.latencyMs });
      this.host.record({ source: 'a2a', ok: true, latencyMs: outcome.latencyMs, workerId: outcome.workerId });
    } catch (err) {
      const code = errorCode(err);
      const message = errorMessage(err);
      if (controller.signal.aborted || code === 'ERR_CANCELLED') {
        status(TaskState.TASK_STATE_CANCELED, [textPart('Task canceled; the agent greenlet was cancelled')], {
          errorCode: 'ERR_CANCELLED',
        });
      } else {
        // The agent's own message, verbatim (the traceback stays in the control center's log).
        status(TaskState.TASK_STATE_FAILED, [textPart(message)], { errorCode: code });
      }
      this.host.record({ source: 'a2a', ok: false, latencyMs: performance.now() - started, message: `${code}: ${message}` });
    } finally {
      this.running.delete(taskId); // first: a cancel arriving from now on finds no run to abort
      this.controllers.giveBack(controller);
    }
  };

  /**
   * Aborts the pool execution; the pool sends agent.cancel to the worker, which
   * kills the greenlet. The canceled status is published by execute() once the
   * pool confirms, so a task that finished first stays completed and the SDK
   * answers "not cancelable".
   */
  cancelTask = async (taskId: string, _bus: ExecutionEventBus): Promise<void> => {
    // No entry: execute() already settled and published its final state; the
    // SDK's cancel then sees the bus finish and reports "not cancelable".
    this.running.get(taskId)?.abort(new Error('Task canceled by the A2A client'));
  };
}
