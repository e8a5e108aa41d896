// Cluster options: where the NATS server is, how this pool's stream and
// consumer behave, and the timings of host heartbeats. Plain Node, no electron.
// Credentials come from the config object or the environment, never argv, so
// they never show in `ps` output.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

export class ClusterError extends Error {
  constructor(
    readonly code: 'ERR_CLUSTER_OPTION' | 'ERR_CLUSTER_UNAVAILABLE' | 'ERR_CLUSTER_CLOSED' | 'ERR_CLUSTER_INSECURE',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

export interface ClusterAuth {
  name?: string; // the broker user this credential is (broker-config.ts): its inbox prefix, host id or results prefix
  user?: string;
  pass?: string;
  token?: string;
  nkeySeed?: string; // the user's nkey seed ("SU…")
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export interface ClusterOptions {
  servers: string[];
  pool: string; // names the stream, consumer and buckets: several pools can share one server
  ackWaitMs: number; // a delivery not acked (nor working()) within this is redelivered
  maxDeliver: number; // poison threshold: deliveries before the message goes to dead letters
  nakDelayMs: number; // redelivery delay after a worker crash (a plain nak ignores backoff)
  nakJitterMs: number; // random 0..jitter added so a crash on every host does not retry in lockstep
  heartbeatMs: number; // host announce + metrics period
  staleAfterMs: number; // heartbeat age at which a host shows stale
  downAfterMs: number; // heartbeat age at which a host shows down
  resultTtlMs: number; // how long a result stays in the results bucket
  duplicateWindowMs: number; // Nats-Msg-Id dedup window of the work stream
  timeoutMs: number; // default deadline of one execute() (publish → result)
  ackPendingAlertRatio: number; // alert when ack-pending reaches this share of max_ack_pending
  replicas: number; // copies of every stream, bucket and durable consumer (1, 3 or 5; R3 survives one node of three)
  insecureBroker: boolean; // --insecure-broker: accept a broker that asks no credentials beyond loopback
  auth: ClusterAuth;
}

/** JetStream request timeout (PubAck, KV create, API): a lost node's answer is retried after this, not 5 s. */
export const JS_TIMEOUT_MS = 2_000;

export const DEFAULT_CLUSTER: Omit<ClusterOptions, 'servers'> = {
  pool: 'default',
  ackWaitMs: 30_000,
  maxDeliver: 3,
  nakDelayMs: 500,
  nakJitterMs: 500,
  heartbeatMs: 1_000,
  staleAfterMs: 3_000,
  downAfterMs: 5_000,
  resultTtlMs: 10 * 60_000,
  duplicateWindowMs: 2 * 60_000,
  timeoutMs: 60_000,
  ackPendingAlertRatio: 0.9,
  replicas: 1, // a single nats-server holds one copy; a 3-node JetStream cluster should use 3
  insecureBroker: false,
  auth: {},
};

const bad = (field: string, why: string) => new ClusterError('ERR_CLUSTER_OPTION', `cluster.${field} ${why}`, { field });

/** Checks every field up front and names the first bad one. */
export function resolveClusterOptions(
  input: Omit<Partial<ClusterOptions>, 'servers'> & { servers?: string[] | string },
  env = process.env,
): ClusterOptions {
  const servers = typeof input.servers === 'string' ? input.servers.split(',') : (input.servers ?? []);
  if (servers.length === 0) throw bad('servers', 'must name at least one nats:// URL');
  for (const s of servers) if (!/^(nats|tls):\/\/[^\s/]+$/.test(s.trim())) throw bad('servers', `must be nats://host:port URLs, got "${s}"`);
  const o: ClusterOptions = { ...DEFAULT_CLUSTER, ...input, servers: servers.map((s) => s.trim()), auth: authFromEnv(input.auth ?? {}, env) };
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(o.pool)) throw bad('pool', 'must be 1-32 letters, digits, _ or -');
  const ms = [
    'ackWaitMs',
    'nakDelayMs',
    'nakJitterMs',
    'heartbeatMs',
    'staleAfterMs',
    'downAfterMs',
    'resultTtlMs',
    'duplicateWindowMs',
    'timeoutMs',
  ] as const;
  for (const k of ms) if (!Number.isInteger(o[k]) || o[k] < 0 || o[k] > 2 ** 31 - 1) throw bad(k, 'must be an integer 0..2^31-1 (ms)');
  if (o.ackWaitMs < 1_000) throw bad('ackWaitMs', 'must be at least 1000 ms (working() heartbeats run at a third of it)');
  if (o.heartbeatMs < 100) throw bad('heartbeatMs', 'must be at least 100 ms');
  if (!(o.staleAfterMs > o.heartbeatMs && o.downAfterMs > o.staleAfterMs))
    throw bad('downAfterMs', 'must exceed staleAfterMs, which must exceed heartbeatMs');
  if (!Number.isInteger(o.maxDeliver) || o.maxDeliver < 1 || o.maxDeliver > 100) throw bad('maxDeliver', 'must be an integer 1..100');
  if (!Number.isInteger(o.replicas) || o.replicas < 1 || o.replicas > 5)
    throw bad('replicas', 'must be an integer 1..5 (JetStream keeps at most 5 copies; use 3 on a 3-node cluster)');
  if (!(o.ackPendingAlertRatio > 0 && o.ackPendingAlertRatio <= 1)) throw bad('ackPendingAlertRatio', 'must be in (0, 1]');
  if (o.auth.pass !== undefined && o.auth.user === undefined) throw bad('auth.pass', 'needs auth.user');
  if (o.auth.name !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(o.auth.name)) throw bad('auth.name', 'must be 1-64 letters, digits, _ or -');
  return o;
}

/** GCC_NATS_* environment variables fill what the config leaves out. */
export function authFromEnv(auth: ClusterAuth, env = process.env): ClusterAuth {
  const out: ClusterAuth = { ...auth };
  out.name ??= env.GCC_NATS_NAME || undefined; // the broker user an nkey seed from the environment belongs to
  out.user ??= env.GCC_NATS_USER || undefined;
  out.pass ??= env.GCC_NATS_PASS || undefined;
  out.token ??= env.GCC_NATS_TOKEN || undefined;
  out.nkeySeed ??= env.GCC_NATS_NKEY_SEED || undefined;
  const tls = {
    caFile: env.GCC_NATS_TLS_CA || undefined,
    certFile: env.GCC_NATS_TLS_CERT || undefined,
    keyFile: env.GCC_NATS_TLS_KEY || undefined,
    ...auth.tls,
  };
  if (tls.caFile || tls.certFile || tls.keyFile) out.tls = tls;
  for (const k of Object.keys(out) as (keyof ClusterAuth)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Reads a JSON file holding `{ cluster?: {...}, pool?: {...} }` (the same shape as the app config's sections). */
export interface ClusterFile {
  cluster?: Partial<ClusterOptions>;
  pool?: Record<string, unknown>; // this host's local pool (PoolOptions)
  slots?: number; // messages this host takes at once
}

/**
 * Reads the file through one descriptor (it cannot be swapped between the checks and the read).
 * One holding a credential (auth.pass, auth.token, auth.nkeySeed) must be a regular file only its
 * owner — this user — can read, like the control plane's --token-file; refused otherwise, saying why.
 */
export function readClusterFile(path: string, uid = process.getuid?.()): ClusterFile {
  const fail = (why: string) => new ClusterError('ERR_CLUSTER_OPTION', `cluster config ${path} ${why}`, { field: 'config' });
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fail(`could not be read: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw fail('is not a regular file');
    let file: ClusterFile;
    try {
      file = JSON.parse(readFileSync(fd, 'utf8')) as ClusterFile;
    } catch (err) {
      throw fail(`could not be read: ${(err as Error).message}`);
    }
    const a = (file?.cluster?.auth ?? {}) as ClusterAuth;
    const secret = (['pass', 'token', 'nkeySeed'] as const).find((k) => a[k] !== undefined);
    if (secret && process.platform !== 'win32') {
      if ((st.mode & 0o077) !== 0)
        throw fail(
          `holds cluster.auth.${secret} but is readable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run \`chmod 600 ${path}\``,
        );
      if (uid !== undefined && st.uid !== uid)
        throw fail(`holds cluster.auth.${secret} but is owned by uid ${st.uid}, not by this user (uid ${uid})`);
    }
    return file;
  } finally {
    closeSync(fd);
  }
}

/** Redacted copy for logs and the UI: which credentials are set, never their values. */
export function describeAuth(auth: ClusterAuth): string[] {
  return Object.entries(auth)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
}
