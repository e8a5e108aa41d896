// A bounded in-memory TaskStore. The SDK's InMemoryTaskStore keeps every task
// forever; a gateway taking thousands of messages a second would grow without
// limit, so this one keeps the newest `maxTasks` and drops the oldest finished
// ones first (a running task is only dropped when every stored task runs).
// A task holds its message and result, up to the body limit each, so a count
// alone is no memory bound: the stored JSON size is capped too.
//
// Cost: a task is saved two to four times per message (a blocking send: when it
// starts working and when it ends; the SDK's own path: per event) and loaded as
// often. Deep-copying or serializing the whole task each time made one 3.8 MB
// message of `[{},{},…]` block the loop for seconds and take gigabytes of heap
// (issue 9). What @a2a-js/sdk 1.3 does with a loaded task (server/index.js,
// ResultManager and DefaultRequestHandler) is reassign its top-level fields
// (`status`, `metadata`, `history`), push onto `artifacts` and reassign fields
// of an artifact; it never edits a message, a part or a value in place. So a
// shallow copy of the task, its two arrays and its artifacts, on save and on
// load, isolates the stored task at a cost linear in the number of messages, not
// in their bytes.
//
// Size: the JSON length, give or take a few punctuation bytes, added up from the
// fields (string lengths, a fixed overhead per object) rather than by serializing
// whole messages: per save that was 5–6 JSON.stringify calls and ~4 KB of garbage
// for a small message (issue 19). Only data and metadata values are serialized,
// and one of 1 KiB or more is measured once (cached by identity), so a large
// value costs its JSON once over its task's whole life.
import { TaskState, type Artifact, type ListTasksRequest, type ListTasksResponse, type Message, type Part, type Task } from '@a2a-js/sdk';
import { resolveUserScope, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';

const TERMINAL = new Set<TaskState>([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

export const isTerminal = (s: TaskState | undefined): boolean => s !== undefined && TERMINAL.has(s);

/** Whose a task is: the SDK scopes every store call to the caller's tenant and user. */
interface Scope {
  tenant: string;
  user: string;
}

const scopeOf = (ctx: ServerCallContext): Scope => ({ tenant: ctx.tenant ?? '', user: resolveUserScope(ctx) });
const sameScope = (a: Scope, b: Scope) => a.tenant === b.tenant && a.user === b.user;

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

// Each shape's keys, quotes, colons and braces, measured once from an empty instance (+1: the comma
// before it in its array).
const overhead = (shape: object) => JSON.stringify(shape).length;
const TASK_OVERHEAD = overhead({ id: '', contextId: '', status: { state: 0, timestamp: '' }, artifacts: [], history: [] });
const MESSAGE_OVERHEAD = overhead({ messageId: '', contextId: '', taskId: '', role: 0, parts: [], extensions: [], referenceTaskIds: [] }) + 1;
const PART_OVERHEAD = overhead({ content: { $case: '', value: 0 }, mediaType: '', filename: '' }) + 1;
const ARTIFACT_OVERHEAD = overhead({ artifactId: '', name: '', description: '', parts: [], extensions: [] }) + 1;
const METADATA_KEY = ',"metadata":'.length;

// Data and metadata values of CACHE_MIN_CHARS or more, by identity: a message's value is shared by
// every copy of its task and never edited. Small ones are cheaper to measure again than to cache.
const CACHE_MIN_CHARS = 1024;
const measured = new WeakMap<object, number>();

function valueBytes(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v === 'string') return v.length + 2;
  if (typeof v !== 'object' || v === null) return String(v).length;
  let n = measured.get(v);
  if (n === undefined) {
    n = JSON.stringify(v)?.length ?? 0;
    if (n >= CACHE_MIN_CHARS) measured.set(v, n);
  }
  return n;
}

const metadataBytes = (m: unknown) => (m === undefined ? 0 : METADATA_KEY + valueBytes(m));
const len = (s: string | undefined) => s?.length ?? 0;

function listBytes(xs: readonly string[] | undefined): number {
  let n = 0;
  for (const x of xs ?? []) n += x.length + 3;
  return n;
}

function partsBytes(parts: readonly Part[] | undefined): number {
  let n = 0;
  for (const p of parts ?? []) {
    n += PART_OVERHEAD + len(p.content?.$case) + valueBytes(p.content?.value) + len(p.mediaType) + len(p.filename) + metadataBytes(p.metadata);
  }
  return n;
}

function messageBytes(m: Message, parts = partsBytes(m.parts)): number {
  return (
    MESSAGE_OVERHEAD +
    len(m.messageId) +
    len(m.contextId) +
    len(m.taskId) +
    parts +
    metadataBytes(m.metadata) +
    listBytes(m.extensions) +
    listBytes(m.referenceTaskIds)
  );
}

function artifactBytes(a: Artifact, parts = partsBytes(a.parts)): number {
  return ARTIFACT_OVERHEAD + len(a.artifactId) + len(a.name) + len(a.description) + parts + metadataBytes(a.metadata) + listBytes(a.extensions);
}

/** The task's JSON length, give or take a few punctuation bytes; large values measured once per object. */
export function taskBytes(t: Task): number {
  // The final status message is also the last history entry, and the executor's result artifact
  // carries the same parts array: each measured once.
  const sm = t.status?.message;
  const smParts = sm ? partsBytes(sm.parts) : 0;
  const smBytes = sm ? messageBytes(sm, smParts) : 0;
  let n = TASK_OVERHEAD + len(t.id) + len(t.contextId) + len(t.status?.timestamp) + metadataBytes(t.metadata) + smBytes;
  for (const m of t.history ?? []) n += m === sm ? smBytes : messageBytes(m);
  for (const a of t.artifacts ?? []) n += sm && a.parts === sm.parts ? artifactBytes(a, smParts) : artifactBytes(a);
  return n;
}

interface Entry extends Scope {
  task: Task; // never handed out: load() and list() give copies
  bytes: number;
}

export class BoundedTaskStore implements TaskStore {
  // Map iteration order is insertion order: re-inserting on save keeps the
  // most recently touched tasks at the end.
  private readonly tasks = new Map<string, Entry>();
  private totalBytes = 0;
  private composites = 0; // entries under a composite key (see find)
  // Where the last eviction stopped. Every entry before it is a running task (a finished one there
  // was evicted; a task is re-inserted at the end on each save). A fresh iteration would instead walk
  // every slot earlier evictions emptied at the front of the Map, which V8 compacts only now and then:
  // thousands of slots per save once the store is full.
  private cursor: MapIterator<[string, Entry]> | undefined;

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
    const e = this.find(taskId, scopeOf(ctx))[1];
    return e ? copyTask(e.task) : undefined;
  }

  async save(task: Task, ctx: ServerCallContext): Promise<void> {
    const scope = scopeOf(ctx);
    const [key, old] = this.find(task.id, scope);
    if (old) this.remove(key, old); // re-inserted below: the Map's order is the order of last saves
    // Fields written out: an object spread plus new keys cost ~2 µs here (V8 11).
    const entry: Entry = { tenant: scope.tenant, user: scope.user, task: copyTask(task), bytes: taskBytes(task) };
    this.tasks.set(key, entry);
    if (key !== task.id) this.composites++;
    this.totalBytes += entry.bytes;
    if (this.over()) this.evict(key);
  }

  /**
   * The key of this caller's task and its entry, if stored. The key is the task id itself (ids
   * are random UUIDs: in practice one caller's), else the id with its tenant and user, so a task
   * id another caller holds stays theirs. A composite key for every task cost ~2 µs a message:
   * built and hashed again at each save and load.
   */
  private find(taskId: string, scope: Scope): [string, Entry | undefined] {
    const e = this.tasks.get(taskId);
    if (e === undefined ? this.composites === 0 : sameScope(e, scope)) return [taskId, e];
    const composite = `${scope.tenant}\u0000${scope.user}\u0000${taskId}`;
    const c = this.tasks.get(composite);
    return e === undefined && c === undefined ? [taskId, undefined] : [composite, c];
  }

  private over(): boolean {
    return this.tasks.size > this.maxTasks || this.totalBytes > this.maxBytes;
  }

  private remove(key: string, e: Entry): void {
    this.totalBytes -= e.bytes;
    if (key !== e.task.id) this.composites--;
    this.tasks.delete(key);
  }

  async list(params: ListTasksRequest, ctx: ServerCallContext): Promise<ListTasksResponse> {
    const scope = scopeOf(ctx);
    const pageSize = params.pageSize ?? 50;
    const after = params.statusTimestampAfter ? Date.parse(params.statusTimestampAfter) : undefined;
    const all = [...this.tasks.values()]
      .filter((e) => sameScope(e, scope))
      .map((e) => e.task)
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
    // From the cursor on; once it reaches the end, one more pass from the start (it passed `keep`,
    // or tasks that were running then and have not been saved since).
    for (let pass = 0; pass < 2; pass++) {
      this.cursor ??= this.tasks.entries();
      for (let r = this.cursor.next(); !r.done; r = this.cursor.next()) {
        const [k, e] = r.value;
        if (k === keep || !isTerminal(e.task.status?.state)) continue;
        this.remove(k, e);
        if (!this.over()) return;
      }
      this.cursor = undefined;
    }
    for (const [k, e] of this.tasks) {
      if (!this.over()) return;
      if (k !== keep) this.remove(k, e);
    }
  }
}
