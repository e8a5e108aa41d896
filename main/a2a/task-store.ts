// A bounded in-memory TaskStore. The SDK's InMemoryTaskStore keeps every task
// forever; a gateway taking thousands of messages a second would grow without
// limit, so this one keeps the newest `maxTasks` and drops the oldest finished
// ones first (a running task is only dropped when every stored task runs).
import { TaskState, type ListTasksRequest, type ListTasksResponse, type Task } from '@a2a-js/sdk';
import { resolveUserScope, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';

const TERMINAL = new Set<TaskState>([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

export const isTerminal = (s: TaskState | undefined): boolean => s !== undefined && TERMINAL.has(s);

const keyOf = (taskId: string, ctx: ServerCallContext) => `${ctx.tenant ?? ''}\u0000${resolveUserScope(ctx)}\u0000${taskId}`;

export class BoundedTaskStore implements TaskStore {
  // Map iteration order is insertion order: re-inserting on save keeps the
  // most recently touched tasks at the end.
  private readonly tasks = new Map<string, Task>();

  constructor(readonly maxTasks = 10_000) {}

  get size(): number {
    return this.tasks.size;
  }

  async load(taskId: string, ctx: ServerCallContext): Promise<Task | undefined> {
    const t = this.tasks.get(keyOf(taskId, ctx));
    return t ? structuredClone(t) : undefined;
  }

  async save(task: Task, ctx: ServerCallContext): Promise<void> {
    const key = keyOf(task.id, ctx);
    this.tasks.delete(key);
    this.tasks.set(key, structuredClone(task));
    if (this.tasks.size > this.maxTasks) this.evict();
  }

  async list(params: ListTasksRequest, ctx: ServerCallContext): Promise<ListTasksResponse> {
    const prefix = keyOf('', ctx);
    const pageSize = params.pageSize ?? 50;
    const after = params.statusTimestampAfter ? Date.parse(params.statusTimestampAfter) : undefined;
    const all = [...this.tasks.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, t]) => t)
      .filter((t) => !params.contextId || t.contextId === params.contextId)
      .filter((t) => !params.status || t.status?.state === params.status)
      .filter((t) => after === undefined || Date.parse(t.status?.timestamp ?? '') >= after)
      .reverse(); // newest first
    const start = params.pageToken ? Math.max(0, Number.parseInt(params.pageToken, 10) || 0) : 0;
    const page = all.slice(start, start + pageSize).map((t) => {
      const copy = structuredClone(t);
      if (!params.includeArtifacts) copy.artifacts = [];
      return copy;
    });
    const next = start + pageSize < all.length ? String(start + pageSize) : '';
    return { tasks: page, nextPageToken: next, pageSize, totalSize: all.length };
  }

  private evict(): void {
    const excess = this.tasks.size - this.maxTasks;
    let dropped = 0;
    for (const [k, t] of this.tasks) {
      if (dropped >= excess) return;
      if (isTerminal(t.status?.state)) {
        this.tasks.delete(k);
        dropped++;
      }
    }
    for (const k of this.tasks.keys()) {
      if (dropped >= excess) return;
      this.tasks.delete(k);
      dropped++;
    }
  }
}
