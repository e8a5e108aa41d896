// Names and server-side objects of one cluster pool: the work-queue stream,
// its one durable pull consumer, the dead-letter stream and the two KV
// buckets. Creating them is idempotent, so every host and client calls
// ensureTopology() on start and whichever comes first creates them.
import { AckPolicy, DeliverPolicy, jetstream, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ClusterError, JS_TIMEOUT_MS, type ClusterOptions } from './options';

export const HDR_DEADLINE = 'Gcc-Deadline'; // epoch ms after which nobody should start the message
export const HDR_REPLY = 'Gcc-Reply'; // the caller's id: the prefix of its result keys
export const HDR_TIMEOUT = 'Gcc-Timeout'; // run deadline for the local pool, ms
export const HDR_REQUEUED = 'Gcc-Requeued'; // set when an operator requeued a dead letter

export function names(pool: string) {
  return {
    stream: `GCC_WORK_${pool}`,
    workSubject: `gcc.${pool}.work`,
    consumer: 'workers',
    dlqStream: `GCC_DLQ_${pool}`,
    dlqSubject: `gcc.${pool}.dead`,
    results: `gcc_results_${pool}`,
    hosts: `gcc_hosts_${pool}`,
    metricsSubject: (hostId: string) => `gcc.${pool}.metrics.${hostId}`,
    controlSubject: (hostId: string) => `gcc.${pool}.control.${hostId}`,
    maxDeliveriesAdvisory: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.GCC_WORK_${pool}.workers`,
  };
}

export const nanos = (ms: number) => ms * 1_000_000;

/** Redeliveries after an ack timeout back off: ack_wait, 2×, 4× … (one entry per redelivery, as the server requires ≤ max_deliver). */
export function backoffFor(o: ClusterOptions): number[] {
  const n = Math.max(1, Math.min(o.maxDeliver, 5));
  return Array.from({ length: n }, (_, i) => nanos(o.ackWaitMs * 2 ** i));
}

export interface Topology {
  results: KV;
  hosts: KV;
}

/** Streams and buckets: created by whichever host or client comes first. */
export async function ensureStreams(nc: NatsConnection, jsm: JetStreamManager, o: ClusterOptions): Promise<Topology> {
  const n = names(o.pool);
  await upsertStream(jsm, {
    name: n.stream,
    subjects: [n.workSubject],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File, // survives a server restart: "nothing lost"
    duplicate_window: nanos(o.duplicateWindowMs),
    num_replicas: o.replicas,
  });
  await upsertStream(jsm, {
    name: n.dlqStream,
    subjects: [n.dlqSubject],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(7 * 24 * 3_600_000),
    duplicate_window: nanos(o.duplicateWindowMs),
    num_replicas: o.replicas,
  });
  const kvm = new Kvm(jetstream(nc, { timeout: JS_TIMEOUT_MS })); // a result create lost with its node is retried after 2 s, not 5
  const results = await kvm.create(n.results, { ttl: o.resultTtlMs, history: 1, storage: StorageType.File, replicas: o.replicas });
  const hosts = await kvm.create(n.hosts, { ttl: Math.max(10_000, o.downAfterMs * 2), history: 1, storage: StorageType.File, replicas: o.replicas }); // file: a memory stream comes back empty and watchers stall after a server restart
  // kvm.create() binds to a bucket that exists as it is: bring its copies to the configured count.
  for (const bucket of [n.results, n.hosts]) await upsertReplicas(jsm, `KV_${bucket}`, o.replicas);
  return { results, hosts };
}

/** The one durable pull consumer; hosts create it, sized to the capacity they know of. */
export async function ensureConsumer(jsm: JetStreamManager, o: ClusterOptions, maxAckPending: number): Promise<void> {
  const n = names(o.pool);
  const consumer = {
    durable_name: n.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(o.ackWaitMs),
    max_deliver: o.maxDeliver,
    backoff: backoffFor(o),
    // The default (1,000) silently stops delivery past it; hosts size it to the cluster's capacity.
    max_ack_pending: maxAckPending,
    max_waiting: 512,
    num_replicas: o.replicas,
  };
  try {
    await jsm.consumers.add(n.stream, consumer);
  } catch {
    // Exists with other settings (another host's capacity): raise max_ack_pending only, never shrink it under a running host.
    const info = await jsm.consumers.info(n.stream, n.consumer);
    const { durable_name: _d, deliver_policy: _p, ...update } = consumer;
    update.max_ack_pending = Math.max(info.config.max_ack_pending ?? 0, maxAckPending);
    // A stream just brought to more replicas takes a moment to add its peers; until then the consumer may not follow.
    for (let attempt = 0; ; attempt++) {
      try {
        await jsm.consumers.update(n.stream, n.consumer, update);
        return;
      } catch (err) {
        if (attempt >= 40 || !/replica count exceeds parent stream/i.test(String((err as Error)?.message))) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}

/** Creates the stream, or brings an existing one to the configured replica count (its other settings stay). */
async function upsertStream(jsm: JetStreamManager, cfg: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
  const info = await jsm.streams.info(cfg.name!).catch((err: unknown) => {
    if (/stream not found/i.test(String((err as Error)?.message))) return null;
    throw err; // a server that is away must not look like a missing stream
  });
  try {
    if (!info) await jsm.streams.add(cfg);
    else await upsertReplicas(jsm, cfg.name!, cfg.num_replicas ?? 1);
  } catch (err) {
    // e.g. "replicas > 1 not supported in non-clustered mode", "insufficient resources": name the option
    if (/replica|insufficient resources/i.test(String((err as Error)?.message))) {
      throw new ClusterError('ERR_CLUSTER_OPTION', `cluster.replicas ${cfg.num_replicas}: ${(err as Error).message}`, { field: 'replicas' });
    }
    throw err;
  }
}

async function upsertReplicas(jsm: JetStreamManager, stream: string, replicas: number): Promise<void> {
  const info = await jsm.streams.info(stream);
  if ((info.config.num_replicas || 1) !== replicas) await jsm.streams.update(stream, { ...info.config, num_replicas: replicas });
}

/** KV create() lost the race: the key exists (first writer won). */
export function isAlreadyExists(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 10071 || code === 10164 || /wrong last sequence/i.test(String((err as Error)?.message));
}
