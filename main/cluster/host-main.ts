// `npm run serve -- --join nats://… --host-id NAME` ends up here (and tests
// spawn it directly): a host agent with no UI. Credentials come from the
// config file or GCC_NATS_* environment variables, never argv.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { PoolOptions } from '../pool/index';
import { HostAgent } from './host-agent';
import { readClusterFile, resolveClusterOptions, type ClusterFile, type ClusterOptions } from './options';

export interface HostArgs {
  join: string;
  hostId?: string;
  config?: string;
  agent?: string;
  workers?: string;
  slots?: string;
  insecureBroker?: boolean;
}

export function parseHostArgs(argv: string[]): HostArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      join: { type: 'string' },
      'host-id': { type: 'string' },
      config: { type: 'string' },
      agent: { type: 'string' },
      workers: { type: 'string' },
      slots: { type: 'string' },
      'insecure-broker': { type: 'boolean' },
    },
  });
  if (!values.join) throw new Error('--join nats://host:port is required');
  return {
    join: values.join,
    hostId: values['host-id'],
    config: values.config,
    agent: values.agent,
    workers: values.workers,
    slots: values.slots,
    insecureBroker: values['insecure-broker'],
  };
}

export async function runHostAgent(args: HostArgs, log = (s: string) => console.log(s)): Promise<HostAgent> {
  const file: ClusterFile = args.config ? readClusterFile(args.config) : {};
  const insecure = args.insecureBroker ? { insecureBroker: true } : {};
  const cluster: ClusterOptions = resolveClusterOptions({ ...(file.cluster ?? {}), servers: args.join.split(','), ...insecure });
  const pool: Partial<PoolOptions> = { ...((file.pool ?? {}) as Partial<PoolOptions>) };
  if (args.agent) pool.agent = args.agent;
  if (args.workers) pool.minWorkers = pool.maxWorkers = Number(args.workers);
  const named = cluster.auth.name; // a host credential (broker-config.ts) is bound to one host id
  if (named && args.hostId && args.hostId !== named) {
    throw new Error(
      `--host-id ${args.hostId} differs from the credential's host name "${named}" (cluster.auth.name): the broker lets this credential announce and answer control only as ${named}`,
    );
  }
  const hostId =
    args.hostId ??
    named ??
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 64);
  const agent = new HostAgent({ cluster, hostId, pool, slots: args.slots ? Number(args.slots) : file.slots });
  agent.on('warn', (m: string) => log(`[host ${hostId}] ${m}`));
  await agent.start();
  log(`[host ${hostId}] joined ${cluster.servers.join(',')} pool "${cluster.pool}" with ${agent.capacity} slots (pid ${process.pid})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`[host ${hostId}] ${signal}: finishing in-flight messages…`);
    void agent.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return agent;
}

const isMain = process.argv[1] && /host-main\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  runHostAgent(parseHostArgs(process.argv.slice(2))).catch((err: unknown) => {
    console.error(`[host] failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
}
