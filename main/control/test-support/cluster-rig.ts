// The set-up of the control plane's cluster-mode tests: a real nats-server, host agent
// processes sharing one config on it, and a headless plane in cluster mode against them.
import { promises as fs } from 'node:fs';
import type { ConfigPatch } from '../../../common/schemas';
import { HostProcess, NatsServer, writeClusterConfig } from '../../cluster/local-cluster';
import { resolveClusterOptions } from '../../cluster/options';
import type { ControlPlane } from '../index';
import { createPlane, SMALL, tempDir } from './plane';

type ClusterTiming = Parameters<typeof writeClusterConfig>[1] & { pool: string };

/** Fields set by start(); stop() takes down whatever start() got to. Tests may swap `hosts` entries (a restarted host). */
export class ClusterRig {
  server!: NatsServer;
  dir!: string;
  cfg!: string;
  plane!: ControlPlane;
  readonly hosts: HostProcess[] = [];

  /** The server, then each of `hostIds` in turn (`slots` each, running `pool`), then the plane with `overrides`. */
  async start(
    bin: string,
    cluster: ClusterTiming,
    pool: Record<string, unknown>,
    hostIds: string[],
    slots: number,
    overrides: ConfigPatch = SMALL,
  ): Promise<ControlPlane> {
    this.server = await NatsServer.start(bin);
    this.dir = await tempDir();
    this.cfg = writeClusterConfig(this.dir, cluster, pool);
    for (const id of hostIds) this.hosts.push(await HostProcess.start(this.server.url, id, this.cfg, ['--slots', String(slots)]));
    this.plane = await createPlane(this.dir, overrides, { cluster: resolveClusterOptions({ ...cluster, servers: [this.server.url] }) });
    return this.plane;
  }

  async stop(): Promise<void> {
    await this.plane?.stop();
    for (const h of this.hosts) await h.killGroup();
    await this.server?.dispose();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
