// A JetStream cluster of real nats-servers on loopback for tests and the bench:
// each node has its own temp store and client port, and routes to the others.
// kill -9 of one node is a real node loss (its store stays for a restart).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort, NatsServer } from './local-cluster';

export class NatsCluster {
  private constructor(readonly nodes: NatsServer[]) {}

  /** Starts `size` routed nodes named n1…nN and resolves once JetStream has a meta leader. */
  static async start(bin: string, size = 3): Promise<NatsCluster> {
    const routePorts = await Promise.all(Array.from({ length: size }, () => freePort()));
    const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
    const nodes: NatsServer[] = [];
    for (let i = 0; i < size; i++) {
      // Small memory limits: three servers share a 2-core CI box with the hosts and their workers.
      const conf = `server_name: n${i + 1}
jetstream { max_memory_store: 64MB, max_file_store: 1GB }
cluster { name: gcc, listen: 127.0.0.1:${routePorts[i]}, routes: [${routes}] }
`;
      nodes.push(new NatsServer(bin, await freePort(), conf));
    }
    const c = new NatsCluster(nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
      await c.waitForMetaLeader();
    } catch (err) {
      await c.dispose();
      throw err;
    }
    return c;
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** The node whose server_name is `name` (as stream and consumer info report leaders). */
  node(name: string): NatsServer {
    const i = Number(name.replace(/^n/, '')) - 1;
    const n = this.nodes[i];
    if (!n) throw new Error(`no node named ${name}`);
    return n;
  }

  async waitForMetaLeader(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    const nc = await connect({ servers: this.urls.filter((_, i) => this.nodes[i]!.child), maxReconnectAttempts: -1 });
    try {
      for (;;) {
        try {
          await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
          return;
        } catch (err) {
          if (Date.now() > until)
            throw new Error(`JetStream cluster has no meta leader after ${timeoutMs} ms: ${(err as Error).message}`, { cause: err });
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } finally {
      await nc.close();
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
  }
}
