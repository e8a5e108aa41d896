// Per-message deadlines without a timer per message. A pipelined caller keeps
// thousands of messages outstanding; a setTimeout each (armed, then cleared at
// the answer) was a visible share of its CPU and garbage. Deadlines fall into
// buckets of BUCKET_MS, one timer per bucket that has any: a message times out
// at most BUCKET_MS after its deadline, never before it.
const BUCKET_MS = 10;

export class Deadlines {
  private readonly buckets = new Map<number, { ids: Set<string>; timer: NodeJS.Timeout }>();
  private readonly bucketOf = new Map<string, number>();

  constructor(private readonly expire: (id: string) => void) {}

  add(id: string, at: number): void {
    const b = Math.ceil(at / BUCKET_MS);
    let bucket = this.buckets.get(b);
    if (!bucket) {
      const ids = new Set<string>();
      const timer = setTimeout(() => this.fire(b), Math.max(0, b * BUCKET_MS - Date.now()));
      bucket = { ids, timer };
      this.buckets.set(b, bucket);
    }
    bucket.ids.add(id);
    this.bucketOf.set(id, b);
  }

  delete(id: string): void {
    const b = this.bucketOf.get(id);
    if (b === undefined) return;
    this.bucketOf.delete(id);
    const bucket = this.buckets.get(b);
    if (!bucket) return;
    bucket.ids.delete(id);
    if (bucket.ids.size === 0) {
      clearTimeout(bucket.timer);
      this.buckets.delete(b);
    }
  }

  clear(): void {
    for (const { timer } of this.buckets.values()) clearTimeout(timer);
    this.buckets.clear();
    this.bucketOf.clear();
  }

  private fire(b: number): void {
    const bucket = this.buckets.get(b);
    this.buckets.delete(b);
    for (const id of bucket?.ids ?? []) {
      this.bucketOf.delete(id);
      this.expire(id);
    }
  }
}
