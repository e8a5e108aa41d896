// Per-message deadlines without a timer per message. A pipelined caller keeps
// thousands of messages outstanding; a setTimeout each (armed, then cleared at
// the answer) was a visible share of its CPU and garbage. Deadlines fall into
// buckets of BUCKET_MS, one timer per bucket that has any: a message times out
// at most BUCKET_MS after its deadline, never before it.
const BUCKET_MS = 10;

export class Deadlines {
  private readonly buckets = new Map<number, { ids: Set<string>; timer: NodeJS.Timeout }>();

  constructor(private readonly expire: (id: string) => void) {}

  add(id: string, at: number): void {
    const b = Math.ceil(at / BUCKET_MS);
    let bucket = this.buckets.get(b);
    if (!bucket) {
      bucket = { ids: new Set<string>(), timer: setTimeout(() => this.fire(b), Math.max(0, b * BUCKET_MS - Date.now())) };
      this.buckets.set(b, bucket);
    }
    bucket.ids.add(id);
  }

  /** `at`: the deadline `id` was added with (its bucket follows from it). */
  delete(id: string, at: number): void {
    const b = Math.ceil(at / BUCKET_MS);
    const bucket = this.buckets.get(b);
    if (!bucket?.ids.delete(id) || bucket.ids.size > 0) return;
    clearTimeout(bucket.timer);
    this.buckets.delete(b);
  }

  clear(): void {
    for (const { timer } of this.buckets.values()) clearTimeout(timer);
    this.buckets.clear();
  }

  private fire(b: number): void {
    const bucket = this.buckets.get(b);
    this.buckets.delete(b);
    for (const id of bucket?.ids ?? []) this.expire(id);
  }
}
