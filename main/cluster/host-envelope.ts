// One delivered envelope on a host (envelope.ts has the wire format and the
// one-answer rule). Its members run on the local pool like lone messages; the
// answers that are ready together are stored as one create-only group record
// (key <caller>.<envelope id>), those that finish later each under their own
// key. The envelope is acked once every member's answer is stored, and naked
// when any member must run again (its worker crashed, the store failed):
// the next delivery skips the members the group record holds.
//
// Why a redelivered envelope with a group record runs its remaining members
// one at a time: it came back because a member crashed its worker. Run
// together again, a poison member would take its siblings down with it on
// every delivery until max_deliver called them all poison; alone, each sibling
// is answered on the next delivery and only the culprit reaches the dead
// letters. An envelope without a group record came back because its host
// died or stalled: its members run together as usual.
import { groupJson, type Member } from './envelope';
import type { ResultRecord } from './wire';

export type Verb = 'ack' | 'nak' | 'term';

/** How one member ended on this host: an answer to store (or none: run it again), and what its message should get. */
export interface RunResult {
  rec: ResultRecord | null;
  started?: number;
  then: Verb;
}

/** What a job needs from its host. */
export interface EnvelopeHost {
  readonly hostId: string;
  run(member: Member, delivery: number): Promise<RunResult>;
  /** Create-only write of `json` under a results key, written by `owner`: 'exists' when another writer was first. Throws when the store stays out of reach. */
  createOnly(key: string, owner: { hostId: string; delivery: number }, json: string): Promise<'stored' | 'exists'>;
  /** One answer under its own key (createOnly), counted as stored or as a duplicate. */
  storeOne(key: string, rec: ResultRecord, started?: number): Promise<'stored' | 'exists'>;
  /** Member ids a group record holds; null when there is none. Throws when the store is out of reach. */
  readGroup(key: string): Promise<Set<string> | null>;
  /** Whether a results key holds an answer. Throws when the store is out of reach. */
  exists(key: string): Promise<boolean>;
  stored(rec: ResultRecord, started?: number): void;
  duplicate(): void;
  /** What the envelopes came to: group records written and the answers in them, answers stored alone. */
  readonly envelopeStats: EnvelopeStats;
}

export interface EnvelopeStats {
  envelopes: number;
  groups: number;
  grouped: number;
  alone: number;
}

export const noEnvelopeStats = (): EnvelopeStats => ({ envelopes: 0, groups: 0, grouped: 0, alone: 0 });

// After the first answer, how long the others may take to join its group record. Echo-sized
// members all finish within it; a slow member is stored alone and delays nobody else by more.
const GROUP_WAIT_MS = 2;

type Ready = { id: string; r: RunResult };

export class EnvelopeJob {
  private left: number; // members without a settled answer (stored, duplicate, or to run again)
  private group: 'open' | 'writing' | 'closed' = 'open';
  private readonly ready: Ready[] = []; // answers waiting for the group record
  private covered = new Set<string>(); // members the group record holds (ours or another's)
  private timer: NodeJS.Timeout | null = null;
  private again = false; // some member must run again: nak the envelope
  private blind = false; // the group record exists but could not be read: store nothing alone, run it all again

  constructor(
    private readonly host: EnvelopeHost,
    private readonly members: Member[],
    private readonly callerKey: string, // <caller>.
    private readonly groupKey: string, // <caller>.<envelope id>
    private readonly delivery: number,
    private readonly done: (verb: Verb) => void,
  ) {
    this.left = members.length;
  }

  async start(): Promise<void> {
    this.host.envelopeStats.envelopes++;
    let covered: Set<string> | null = null;
    try {
      covered = this.delivery > 1 ? await this.answered() : null;
    } catch {
      return this.done('nak'); // cannot tell what was answered: let a later delivery look again
    }
    if (covered) {
      this.covered = covered;
      this.group = 'closed';
      // Answered already (by the delivery before, or a racing one): counted as duplicates, as a lone
      // message run again and refused by the store is — the figure that shows answered work redelivered.
      const todo = this.members.filter((m) => !covered.has(m.i));
      for (let k = todo.length; k < this.members.length; k++) this.host.duplicate();
      this.left = todo.length;
      if (todo.length === 0) return this.done('ack');
      for (const m of todo) this.settleAlone(m.i, await this.host.run(m, this.delivery)); // one at a time, see above
      return;
    }
    for (const m of this.members) void this.host.run(m, this.delivery).then((r) => this.onRun(m.i, r));
  }

  /**
   * On a redelivery: the members answered already, in the group record or (those that finished
   * after it) under their own keys — so no answered member runs again. Null: no group record,
   * hence no member answered (own keys come only after it).
   */
  private async answered(): Promise<Set<string> | null> {
    const group = await this.host.readGroup(this.groupKey);
    if (!group) return null;
    const rest = this.members.filter((m) => !group.has(m.i));
    const own = await Promise.all(rest.map((m) => this.host.exists(this.callerKey + m.i)));
    rest.forEach((m, k) => own[k] && group.add(m.i));
    return group;
  }

  private onRun(id: string, r: RunResult): void {
    if (this.group === 'closed') return this.settleAlone(id, r);
    this.ready.push({ id, r });
    if (this.group === 'writing') return; // joins the per-member writes once the group record is settled
    if (this.ready.length === this.left) return this.writeGroup();
    this.timer ??= setTimeout(() => this.writeGroup(), GROUP_WAIT_MS);
  }

  /**
   * Stores the ready answers as the group record. Written even when none is ready (every member
   * must run again): its presence tells the next delivery to run them one at a time.
   */
  private writeGroup(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.group = 'writing';
    const batch = this.ready.splice(0);
    const answers: Array<[string, ResultRecord]> = [];
    for (const { id, r } of batch) if (r.rec) answers.push([id, r.rec]);
    const owner = { hostId: this.host.hostId, delivery: this.delivery };
    this.host.createOnly(this.groupKey, owner, groupJson(owner.hostId, owner.delivery, answers)).then(
      async (how) => {
        if (how === 'stored') {
          this.covered = new Set(answers.map(([id]) => id));
          this.host.envelopeStats.groups++;
          this.host.envelopeStats.grouped += this.covered.size;
        } else {
          try {
            this.covered = (await this.host.readGroup(this.groupKey)) ?? new Set();
          } catch {
            this.blind = true; // storing alone could answer a member the unread record holds
          }
        }
        this.group = 'closed';
        for (const { id, r } of batch) {
          if (r.rec && how === 'stored') {
            this.host.stored(r.rec, r.started);
            this.settled(r.then === 'nak');
          } else this.settleAlone(id, r); // not stored in our group record: held by another's, alone, or to run again
        }
        for (const { id, r } of this.ready.splice(0)) this.settleAlone(id, r);
      },
      () => {
        // The store stayed out of reach: nothing of this delivery is stored; run it all again.
        this.group = 'closed';
        for (let k = batch.length + this.ready.splice(0).length; k > 0; k--) this.settled(true);
      },
    );
  }

  /** After the group record is settled: a member's answer under its own key (create-only), or a note to run it again. */
  private settleAlone(id: string, r: RunResult): void {
    if (this.covered.has(id)) {
      this.host.duplicate();
      return this.settled(r.then === 'nak');
    }
    if (!r.rec || this.blind) return this.settled(true);
    this.host.storeOne(this.callerKey + id, r.rec, r.started).then(
      (how) => {
        if (how === 'stored') this.host.envelopeStats.alone++;
        this.settled(r.then === 'nak');
      },
      () => this.settled(true),
    );
  }

  /** One member settled; the last one acks or naks the envelope (a term is for lone messages). `again`: it must run again. */
  private settled(again: boolean): void {
    if (again) this.again = true;
    if (--this.left === 0) this.done(this.again ? 'nak' : 'ack');
  }
}
