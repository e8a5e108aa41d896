// Tasks sent from the Tasks view, by the id the client chose, so the view can ask
// what its pending task is waiting on (queue position, its worker not answering
// pings, retry n of m) instead of showing "Sending…" with no hint. Bounded: the
// oldest entry goes when a new one would exceed the limit.
import type { ClusterTaskProgress } from '../../cluster/client';
import type { TaskProgress } from '../../../common/contract'; // the engine's, plus `cluster`

const LIMIT = 64;

export class TaskTracker {
  private readonly tasks = new Map<string, () => TaskProgress | null>();

  /** Tracks `progress` under `id` until `done` settles. */
  track(id: string, progress: () => TaskProgress | null, done: Promise<unknown>): void {
    if (this.tasks.size >= LIMIT) this.tasks.delete(this.tasks.keys().next().value!);
    this.tasks.set(id, progress);
    const forget = () => {
      if (this.tasks.get(id) === progress) this.tasks.delete(id);
    };
    done.then(forget, forget);
  }

  /** Null when the id is unknown or its task has settled. */
  get(id: string): TaskProgress | null {
    return this.tasks.get(id)?.() ?? null;
  }
}

/**
 * A cluster task in the Tasks view's terms: queued (in the work stream, or still being published)
 * until its answer; deliveries and the host that took it are not known before the answer comes.
 */
export function clusterProgress(p: ClusterTaskProgress | null, maxDeliver: number): TaskProgress | null {
  if (!p) return null;
  const cluster =
    p.sincePublishedMs === undefined ? { publishTries: p.publishTries } : { publishTries: p.publishTries, sincePublishedMs: p.sincePublishedMs };
  return { state: 'queued', attempt: 0, maxAttempts: maxDeliver, elapsedMs: p.elapsedMs, cluster };
}
