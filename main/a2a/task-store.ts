// A bounded in-memory TaskStore. The SDK's InMemoryTaskStore keeps every task
// forever; a gateway taking thousands of messages a second would grow without
// limit, so this one keeps the newest `maxTasks` and drops the oldest finished
// ones first (a running task is only dropped when every stored task runs).
// A task holds its message and result, up to the body limit each, so a count
// alone is no memory bound: the stored JSON size is capped too.
//
// Cost: a task is saved about four times per message (submitted, working,
// artifact, final) and loaded as often. Deep-copying or serializing the whole
// task each time made one 3.8 MB message of `[{},{},…]` block the loop for
// seconds and take gigabytes of heap (issue 9). What @a2a-js/sdk 1.3 does with
// a loaded task (server/index.js, ResultManager and DefaultRequestHandler) is
// reassign its top-level fields (`status`, `metadata`, `history`), push onto
// `artifacts` and reassign fields of an artifact; it never edits a message, a
// part or a status in place. So a shallow copy of the task, its two arrays and
// its artifacts, on save and on load, isolates the stored task at a cost
// linear in the number of messages, not in their bytes; and each message's
// (or artifact's parts') JSON size is measured once, the first time it is seen.
import { TaskState, type Artifact, type ListTasksRequest, type ListTasksResponse, type Message, type Part, type Task } from '@a2a-js/sdk';
import { resolveUserScope, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';

const TERMINAL = new Set<TaskState>([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

export const isTerminal = (s: TaskState | undefined): boolean => s !== undefined && TERMINAL.has(s);

const keyOf = (taskId: string, ctx: ServerCallContext) => `${ctx.tenant ?? ''}\u0000${resolveUserScope(ctx)}\u0000${taskId}`;

/** The copy a store keeps or hands out: new task, status, arrays and artifacts; shared messages and parts. */
function copyTask(t: Task): Task {
  return {
    ...t,
    status: t.status ? { ...t.status } : undefined,
    metadata: t.metadata ? { ...t.metadata } : undefined,
    history: [...(t.history ?? [])],
    artifacts: (t.artifacts ?? []).map((a) => ({ ...a })),
  };
}

// Keyed by object identity: a message is shared by every copy of its task, and
// an artifact's parts array is replaced (never edited) when the SDK appends to it.
const messageBytes = new WeakMap<Message, number>();
const partsBytes = new WeakMap<readonly Part[], number>();

function cachedSize<K extends object>(cache: WeakMap<K, number>, key: K, value: unknown = key): number {
  let n = cache.get(key);
  if (n === undefined) {
    n = JSON.stringify(value)?.length ?? 0;
    cache.set(key, n);
  }
  return n;
}

/** The task's JSON length, give or take a few punctuation bytes; big fields measured once per object. */
export function taskBytes(t: Task): number {
  const { history, artifacts, status, ...rest } = t;
  let n = JSON.stringify({ ...rest, status: status ? { ...status, message: undefined } : undefined }).length;
  if (status?.message) n += cachedSize(messageBytes, status.message);
  for (const m of history ?? []) n += cachedSize(messageBytes, m) + 1;
  for (const a of artifacts ?? []) n += artifactBytes(a) + 1;
  return n;
}

function artifactBytes(a: Artifact): number {
  const { parts, ...rest } = a;
  return JSON.stringify(rest).length + cachedSize(partsBytes, parts ?? []);
}

export class BoundedTaskStore implements TaskStore {
  // Map iteration order is insertion order: re-inserting on save keeps the
  // most recently touched tasks at the end. Stored tasks are never handed out.
  private readonly tasks = new Map<string, Task>();
  private readonly sizes = new Map<string, number>();
  private totalBytes = 0;

  constructor(
    readonly maxTasks = 10_000,
    readonly maxBytes = 128 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.tasks.size;
  }

  /** Approximate memory held: the stored tasks' JSON length. */
  get bytes(): number {
    return this.totalBytes;
  }

  async load(taskId: string, ctx: ServerCallContext): Promise<Task | undefined> {
    const t = this.tasks.get(keyOf(taskId, ctx));
    return t ? copyTask(t) : undefined;
  }

  async save(task: Task, ctx: ServerCallContext): Promise<void> {
    const key = keyOf(task.id, ctx);
    this.remove(key);
    const size = taskBytes(task);
    this.tasks.set(key, copyTask(task));
    this.sizes.set(key, size);
    this.totalBytes += size;
    if (this.tasks.size > this.maxTasks || this.totalBytes > this.maxBytes) this.evict(key);
  }

  private remove(key: string): void {
    this.totalBytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
    this.tasks.delete(key);
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
      const copy = copyTask(t);
      if (!params.includeArtifacts) copy.artifacts = [];
      return copy;
    });
    const next = start + pageSize < all.length ? String(start + pageSize) : '';
    return { tasks: page, nextPageToken: next, pageSize, totalSize: all.length };
  }

  /** Oldest finished tasks first, then the oldest of any; never `keep` (the one just saved). */
  private evict(keep: string): void {
    const over = () => this.tasks.size > this.maxTasks || this.totalBytes > this.maxBytes;
    for (const [k, t] of this.tasks) {
      if (!over()) return;
      if (k !== keep && isTerminal(t.status?.state)) this.remove(k);
    }
    for (const k of this.tasks.keys()) {
      if (!over()) return;
      if (k !== keep) this.remove(k);
    }
  }
}
