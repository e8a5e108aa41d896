// A blocking SendMessage of a new task, without the SDK's event machinery.
//
// Why: for one blocking send the SDK's DefaultRequestHandler runs the executor
// on an event bus and, per event (task, working, artifact, completed), loads
// the task from the store, deep-copies it with structuredClone several times
// (merge, push-notification snapshot even with push off), and saves it again:
// 4 loads, 4 saves and about a dozen structuredClones per message, none of
// which a client can observe. Profiled, that made a send cost 2.5× an HTTP
// submitTask on the same pool (issue 19).
//
// What stays the same: the same executor publishes the same events, applied
// here in the order the SDK's ResultManager applies them to the same task
// shape; the task is in the store (working) while it runs, so tasks/get,
// tasks/list and tasks/cancel see it, and stored (final) before the reply.
// Anything else — streaming, returnImmediately, follow-ups on an existing
// task, reference tasks, a missing messageId — goes to the SDK unchanged.
import { randomUUID } from 'node:crypto';
import { TaskState, type Artifact, type CancelTaskRequest, type Message, type SendMessageRequest, type Task } from '@a2a-js/sdk';
import {
  DefaultRequestHandler,
  RequestContext,
  type AgentExecutionEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import type { AgentCard } from '@a2a-js/sdk';

export class GatewayRequestHandler extends DefaultRequestHandler {
  private readonly running = new Map<string, Promise<unknown>>(); // blocking sends in progress, by task id

  constructor(
    card: AgentCard,
    private readonly store: TaskStore,
    private readonly executor: AgentExecutor,
  ) {
    super(card, store, executor);
  }

  override async sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    const m = params.message;
    if (!m?.messageId || m.taskId || m.referenceTaskIds?.length || params.configuration?.returnImmediately === true) {
      return super.sendMessage(params, context);
    }
    const taskId = randomUUID();
    const contextId = m.contextId || randomUUID();
    // The SDK keeps only the requested extensions the card declares; this card declares none (card.ts).
    if (context.requestedExtensions) context.setRequestedExtensions([]);
    // The transport built `params` for this call alone (SendMessageRequest.fromJSON): it is the
    // request context's own, no copy needed.
    m.contextId = contextId;
    m.taskId = taskId;
    const ctx = requestContext(params, taskId, contextId, context);
    const bus = new TaskBus(this.store, context);
    const run = this.executor.execute(ctx, bus).then(() => bus.save());
    this.running.set(taskId, run);
    try {
      await run;
    } finally {
      this.running.delete(taskId);
    }
    const task = bus.task;
    if (!task) return super.sendMessage(params, context); // unreachable: the executor publishes its task first
    const historyLength = params.configuration?.historyLength;
    if (historyLength !== undefined) task.history = historyLength <= 0 ? [] : task.history.slice(-historyLength);
    return task;
  }

  /** A blocking send in progress is canceled through its executor, then answered from the store as the SDK would. */
  override async cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    const run = this.running.get(params.id);
    // load() is scoped to the caller's tenant and user: nobody cancels a task they cannot see.
    if (run && (await this.store.load(params.id, context))) {
      await this.executor.cancelTask(params.id, NO_BUS);
      await run.catch(() => undefined);
    }
    return super.cancelTask(params, context);
  }
}

/**
 * What RequestContext's constructor makes, minus its structuredClone of the whole request: this
 * request object is built here and handed to nobody else, so there is nothing to protect it from.
 */
function requestContext(request: SendMessageRequest, taskId: string, contextId: string, context: ServerCallContext): RequestContext {
  const ctx = Object.create(RequestContext.prototype) as { -readonly [K in keyof RequestContext]: RequestContext[K] };
  Object.assign(ctx, { request, taskId, contextId, context, task: undefined, referenceTasks: undefined });
  return ctx as RequestContext;
}

/** The events of one execution applied to one task, as the SDK's ResultManager would, without copies. */
class TaskBus implements ExecutionEventBus {
  task: Task | undefined;

  constructor(
    private readonly store: TaskStore,
    private readonly context: ServerCallContext,
  ) {}

  publish(event: AgentExecutionEvent): void {
    if (event.kind === 'task') this.task = event.data;
    else if (event.kind === 'statusUpdate' && this.task?.id === event.data.taskId) {
      const t = this.task;
      t.status = event.data.status;
      if (event.data.metadata) t.metadata = { ...t.metadata, ...event.data.metadata };
      const msg = event.data.status?.message;
      if (msg && !t.history.some((h) => h.messageId === msg.messageId)) t.history.push(msg);
      // Stored while it runs, so tasks/get, tasks/list and tasks/cancel find it.
      if (t.status?.state === TaskState.TASK_STATE_WORKING) void this.save();
    } else if (event.kind === 'artifactUpdate' && this.task?.id === event.data.taskId && event.data.artifact) {
      upsertArtifact(this.task, event.data.artifact);
    }
  }

  save(): Promise<void> {
    return this.task ? this.store.save(this.task, this.context) : Promise.resolve();
  }

  on(): this {
    return this;
  }
  off(): this {
    return this;
  }
  once(): this {
    return this;
  }
  removeAllListeners(): this {
    return this;
  }
  finished(): void {}
}

function upsertArtifact(task: Task, a: Artifact): void {
  const i = task.artifacts.findIndex((x) => x.artifactId === a.artifactId);
  if (i === -1) task.artifacts.push(a);
  else task.artifacts[i] = a;
}

// The executor's cancel only aborts the pool run; the canceled status comes back through the run's own bus.
const NO_BUS = new (class extends TaskBus {
  constructor() {
    super(undefined as unknown as TaskStore, undefined as unknown as ServerCallContext);
  }
  override publish(): void {}
})();
