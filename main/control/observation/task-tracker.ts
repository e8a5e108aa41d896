// Tasks sent from the Tasks view, by the id the client chose, so the view can ask
// what its pending task is waiting on (queue position, its worker not answering
// pings, retry n of m) instead of showing "Sending…" with no hint. Bounded: the
// oldest entry goes when a new one would exceed the limit.
import type { TaskProgress } from '../../pool/index';

const LIMIT = 64;

export class TaskTracker {
  private readonly tasks = new Map<string, () => TaskProgress>();

  /** Tracks `progress` under `id` until `done` settles. */
  track(id: string, progress: () => TaskProgress, done: Promise<unknown>): void {
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
