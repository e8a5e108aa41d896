// The results bucket as a host writes it: create-only answers (first writer
// wins), retried through a server restart, and the reads a redelivered
// envelope needs (its group record, a member's own key).
import type { KV } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { Link } from './connect';
import { readAnswer } from './envelope';
import type { JsPublisher } from './js-publish';
import type { Junk } from './records';
import { isAlreadyExists } from './topology';

// A create-only write is a publish to the key's subject that the server accepts only if the key has
// no entry yet. Written here rather than through kv.create(), which is one awaited nats.js request
// per result (see js-publish.ts). One shared header set: headers are encoded when published, never kept.
const CREATE_ONLY = headers();
CREATE_ONLY.set('Nats-Expected-Last-Subject-Sequence', '0');

const te = new TextEncoder();

/** What tells our own record (an answer or a group) from another writer's. */
type Ours = { hostId: string; delivery: number };

export class HostResults {
  constructor(
    private readonly nc: NatsConnection,
    private readonly link: Link,
    private readonly pub: JsPublisher,
    private readonly bucket: KV,
    private readonly subjectPrefix: string, // $KV.<bucket>.
    private readonly junk: Junk,
  ) {}

  /**
   * Create-only write of a results key, retried through a server restart (the in-flight entry keeps
   * working() going meanwhile). 'exists': another writer was first — or, on a retry, our own earlier
   * write landed before its answer was lost, which counts as 'stored'. Throws after ~10 min.
   */
  async createOnly(key: string, owner: Ours, json: string): Promise<'stored' | 'exists'> {
    const subject = this.subjectPrefix + key;
    const data = te.encode(json);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.link.connectedOr(5_000);
        await this.link.guard(this.pub.publish(subject, data, CREATE_ONLY));
        return 'stored';
      } catch (err) {
        if (isAlreadyExists(err)) return attempt > 0 && (await this.isOurs(key, owner)) ? 'stored' : 'exists';
        if (this.nc.isClosed() || attempt > 2_400) throw err;
        await this.link.pause(Math.min(250, 50 * 2 ** Math.min(attempt, 3)));
      }
    }
  }

  /** The members a group record holds; null when there is none. Throws when the server is out of reach. */
  async readGroup(key: string): Promise<Set<string> | null> {
    const e = await this.bucket.get(key);
    if (!e || e.operation !== 'PUT') return null;
    const a = readAnswer(e.value, this.junk, `results key ${key}`);
    return new Set(a?.kind === 'group' ? Object.keys(a.recs) : []); // junk under the key: it holds no member
  }

  async exists(key: string): Promise<boolean> {
    return (await this.bucket.get(key))?.operation === 'PUT';
  }

  private async isOurs(key: string, value: Ours): Promise<boolean> {
    const e = await this.bucket.get(key).catch(() => null);
    let stored: Partial<Ours> | undefined;
    try {
      stored = e?.json<Partial<Ours>>();
    } catch {
      return false; // not a record of ours, whatever it is: the answer exists, count it as another's
    }
    return stored?.hostId === value.hostId && stored?.delivery === value.delivery;
  }
}
