// How `npm run serve` takes part in a cluster (docs/cluster.md):
//   --join URL --host-id NAME  run as a host agent (no UI) — see host-main.ts
//   --cluster URL              a control center that shows that cluster's hosts
//   --cluster-demo             a local nats-server + three host agents on loopback + the control center
// The cluster config file (--cluster-config, else <data-dir>/cluster.json) holds the
// same settings, credentials included (0600), so a URL flag is only a shortcut.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo } from './demo-cluster';
import { readClusterFile, resolveClusterOptions, type ClusterOptions } from './options';

export interface ServeClusterArgs {
  cluster?: string;
  clusterConfig?: string;
  clusterDemo?: boolean;
  insecureBroker?: boolean;
  dataDir: string;
}

export interface ServeCluster {
  options?: ClusterOptions;
  stop(): Promise<void>;
}

export function clusterConfigPath(a: { clusterConfig?: string; dataDir: string }): string | undefined {
  if (a.clusterConfig) return a.clusterConfig;
  const inData = join(a.dataDir, 'cluster.json');
  return existsSync(inData) ? inData : undefined;
}

export async function clusterForServe(a: ServeClusterArgs, serveEntry: string | null, log = (s: string) => console.log(s)): Promise<ServeCluster> {
  if (a.clusterDemo) return startDemo(a.dataDir, serveEntry, log);
  const path = clusterConfigPath(a);
  const file = path ? readClusterFile(path) : {};
  const servers = a.cluster?.split(',') ?? file.cluster?.servers;
  if (!servers) return { stop: async () => undefined };
  const insecure = a.insecureBroker ? { insecureBroker: true } : {};
  return { options: resolveClusterOptions({ ...(file.cluster ?? {}), servers, ...insecure }), stop: async () => undefined };
}
