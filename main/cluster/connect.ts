// One NATS connection with the configured credentials. Reconnects forever
// (hosts must outlive a server restart); the caller decides when to give up.
import { connect, createInbox, nkeyAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ClusterError, type ClusterOptions } from './options';
import { inboxPrefixFor } from './permissions';

export async function connectCluster(o: ClusterOptions, name: string): Promise<NatsConnection> {
  const opts: NodeConnectionOptions = {
    servers: o.servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: false,
    pingInterval: 5_000,
    // Every request (each publish's PubAck, each result create) otherwise builds two Error objects
    // up front for their stack traces: measured at ~55 µs per message, a third of the host's CPU.
    noAsyncTraces: true,
  };
  const a = o.auth;
  // Its own inbox prefix: the broker lets each user subscribe to its own replies only (permissions.ts).
  if (a.name !== undefined) opts.inboxPrefix = inboxPrefixFor(a.name);
  if (a.user !== undefined) opts.user = a.user;
  if (a.pass !== undefined) opts.pass = a.pass;
  if (a.token !== undefined) opts.token = a.token;
  if (a.nkeySeed !== undefined) opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(a.nkeySeed));
  if (a.tls) {
    // File paths, read by the client itself: key material never passes through our logs or argv.
    opts.tls = {};
    if (a.tls.caFile) opts.tls.caFile = a.tls.caFile;
    if (a.tls.certFile) opts.tls.certFile = a.tls.certFile;
    if (a.tls.keyFile) opts.tls.keyFile = a.tls.keyFile;
  }
  let nc: NatsConnection;
  try {
    nc = await connect(opts);
  } catch (err) {
    throw new ClusterError('ERR_CLUSTER_UNAVAILABLE', `cannot reach NATS at ${o.servers.join(', ')}: ${(err as Error).message}`, {
      servers: o.servers,
    });
  }
  // A broker that asks no credentials lets anyone who reaches it read the work and forge answers.
  const server = nc.getServer();
  if (brokerIsUnauthenticated(nc) && !o.insecureBroker && !isLoopbackServer(server)) {
    await nc.close().catch(() => undefined);
    throw new ClusterError(
      'ERR_CLUSTER_INSECURE',
      `NATS at ${server} requires no credentials: anyone who reaches it can read the work and forge results. ` +
        'Start it with the generated configuration (npm run cluster-config), or pass --insecure-broker to accept it anyway',
      { server },
    );
  }
  return nc;
}

/** The server's INFO said it asks no credentials (auth_required absent or false). */
export const brokerIsUnauthenticated = (nc: NatsConnection): boolean => nc.info?.auth_required !== true;

/** host:port of a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackServer(hostPort: string): boolean {
  const host = hostPort
    .replace(/^(nats|tls):\/\//, '')
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * nats.js leaves a request whose server went away to its timeout (5 s), even
 * though the answer can no longer come: after a broker restart the last answers
 * came a fixed ~4 s after the server was back. guard() fails such a request at
 * the disconnect, and pause() wakes a retry loop at the reconnect, so retries
 * (same Nats-Msg-Id, create()-only results: harmless) go out at once.
 */
export class Link {
  private readonly pending = new Set<(err: Error) => void>();
  private wake: (() => void)[] = [];
  private readonly onReconnect: (() => void)[] = [];
  connected = true;

  constructor(nc: NatsConnection) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          this.connected = false;
          const err = new ClusterError('ERR_CLUSTER_UNAVAILABLE', 'disconnected from the NATS server');
          for (const reject of this.pending) reject(err);
          this.pending.clear();
        } else if (s.type === 'reconnect') {
          this.connected = true;
          for (const w of this.wake.splice(0)) w();
          for (const f of this.onReconnect) f();
        }
      }
    })();
  }

  /** Runs `f` at every reconnect. */
  reconnected(f: () => void): void {
    this.onReconnect.push(f);
  }

  /** `p`, or a rejection at the next disconnect, whichever comes first. */
  guard<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      p.then(
        (v) => (this.pending.delete(reject), resolve(v)),
        (e: unknown) => (this.pending.delete(reject), reject(e)),
      );
    });
  }

  /**
   * Resolves when connected (at once if so). A request made while disconnected is not
   * reliably sent at the reconnect and would wait out its timeout: retries wait here first.
   */
  async connectedOr(ms: number): Promise<void> {
    if (!this.connected) await this.pause(ms);
  }

  /** Sleeps `ms`, or less if the connection comes back meanwhile. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => (clearTimeout(t), resolve());
      const t = setTimeout(() => ((this.wake = this.wake.filter((w) => w !== done)), resolve()), ms);
      this.wake.push(done);
    });
  }
}

/** A fresh inbox under this connection's own prefix (the broker lets each user subscribe to its own replies only). */
export function inboxOf(nc: NatsConnection): string {
  return createInbox((nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
}
