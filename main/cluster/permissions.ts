// Least privilege on the broker (docs/cluster.md, "Roles and permissions"). Three roles, one
// NATS user each (per host, per caller, one control center), in one JetStream account:
//   host    pulls from the work consumer, acks, writes results, announces itself, answers control
//   caller  publishes work and reads its own results prefix, nothing else
//   control manages streams and consumers, sends control, routes dead letters
// Every user has its own inbox prefix (_INBOX_<name>): with the shared _INBOX.> any user could
// subscribe to every reply in the account — the PubAcks, pulled messages and KV reads of the others.
// The generator (broker-config.ts) writes these lists into the nats-server configuration.
import { names } from './topology';

export type Role = 'host' | 'caller' | 'control';

export interface Permissions {
  publish: string[];
  subscribe: string[];
  allowResponses: boolean; // may answer a request it received (control replies, flow control)
}

export const inboxPrefixFor = (user: string): string => `_INBOX_${user}`;

/** A user name is also a subject token (inbox prefix, host id, results prefix): letters, digits, _ and - only. */
export const USER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const api = '$JS.API';
const kvStream = (bucket: string) => `KV_${bucket}`;

/** What `jetstreamManager()`, KV open and stream info need on every role: read-only views. */
function common(pool: string): string[] {
  const n = names(pool);
  return [
    `${api}.INFO`, // account info: jetstreamManager() checks the API is there
    ...[n.stream, n.dlqStream, kvStream(n.results), kvStream(n.hosts)].map((s) => `${api}.STREAM.INFO.${s}`),
  ];
}

export function permissionsFor(role: Role, pool: string, user: string): Permissions {
  const n = names(pool);
  const inbox = `${inboxPrefixFor(user)}.>`;
  const results = kvStream(n.results);
  const hosts = kvStream(n.hosts);
  switch (role) {
    case 'caller':
      return {
        publish: [
          ...common(pool),
          n.workSubject, // work in: the only stream a caller writes
          // its own results watch: an ordered consumer whose filter (in the API subject) is its own prefix
          `${api}.CONSUMER.CREATE.${results}.*.$KV.${n.results}.${user}.>`,
          `${api}.CONSUMER.INFO.${results}.*`,
        ],
        subscribe: [inbox],
        allowResponses: true, // flow control of its push consumer
      };
    case 'host':
      return {
        publish: [
          ...common(pool),
          // the one durable pull consumer: created/raised to this host's capacity, read, pulled from, acked
          `${api}.CONSUMER.CREATE.${n.stream}.${n.consumer}`,
          `${api}.CONSUMER.DURABLE.CREATE.${n.stream}.${n.consumer}`,
          `${api}.CONSUMER.INFO.${n.stream}.${n.consumer}`,
          `${api}.CONSUMER.MSG.NEXT.${n.stream}.${n.consumer}`,
          `$JS.ACK.${n.stream}.${n.consumer}.>`,
          // results: first writer wins (create); a lost race reads the key back
          `$KV.${n.results}.>`,
          `${api}.STREAM.MSG.GET.${results}`,
          `${api}.DIRECT.GET.${results}.>`,
          // its own host record and metrics; the others' records are read to size max_ack_pending
          `$KV.${n.hosts}.${user}`,
          n.metricsSubject(user),
          `${api}.CONSUMER.CREATE.${hosts}.*.$KV.${n.hosts}.>`,
          `${api}.CONSUMER.INFO.${hosts}.*`,
          `${api}.STREAM.MSG.GET.${hosts}`,
          `${api}.DIRECT.GET.${hosts}.>`,
        ],
        subscribe: [inbox, n.controlSubject(user), n.controlSubject('all')],
        allowResponses: true, // control replies
      };
    case 'control':
      return {
        publish: [
          `${api}.>`, // creates and updates streams, buckets and consumers; reads dead letters; deletes moved ones
          `gcc.${pool}.>`, // control requests, requeued work, dead letters, its own tasks
          `$KV.${n.results}.>`, // ERR_POISON_MESSAGE answers for dead letters
        ],
        subscribe: [inbox, n.maxDeliveriesAdvisory, `gcc.${pool}.metrics.>`],
        allowResponses: true,
      };
  }
}
