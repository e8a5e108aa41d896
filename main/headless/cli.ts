// Command-line options of `npm run serve` / `node out/main/serve.js`, kept
// apart from the entry point so they can be tested without starting anything.
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultDataDir as planeDataDir } from '../control/config-store';

export const DEFAULT_PORT = 7420;
export const DEFAULT_HOST = '127.0.0.1';
const PRODUCT_NAME = 'Greenlet Control Center'; // package.json productName: Electron names userData after it

export interface ServeOptions {
  port: number;
  host: string;
  token?: string; // absent: generate one
  dataDir: string;
  staticDir?: string;
  metricsPublic: boolean;
  // Scale-out (docs/cluster.md): host agent, cluster monitoring, or the one-command demo.
  join?: string; // nats://… — run as a host agent of that cluster instead of a control center
  hostId?: string;
  cluster?: string; // nats://… — a control center that shows that cluster's hosts
  clusterConfig?: string; // JSON { cluster, pool }; default <data-dir>/cluster.json when present
  clusterDemo?: boolean;
}

/** A refusal with the exit code the CLI should use (2 = bad usage). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export const USAGE = `Usage: npm run serve -- [--port 7420] [--host 127.0.0.1] [--token <t>] [--data-dir <dir>] [--static-dir <dir>] [--metrics-public]
       [--join nats://host:4222 --host-id NAME | --cluster nats://host:4222 | --cluster-demo] [--cluster-config <file.json>]`;

/** Same place Electron's app.getPath('userData') uses, so both modes share config and history. */
export function defaultDataDir(env = process.env, platform = process.platform, home = homedir()): string {
  return planeDataDir(PRODUCT_NAME, env, platform, home);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export function parseServeArgs(argv: string[], env = process.env): ServeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'data-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        'metrics-public': { type: 'boolean', default: false },
        join: { type: 'string' },
        'host-id': { type: 'string' },
        cluster: { type: 'string' },
        'cluster-config': { type: 'string' },
        'cluster-demo': { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be an integer 0..65535, got "${values.port}"`);
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') throw new CliError('--host must not be empty');
  const token = values.token ?? env.GREENLET_CC_TOKEN;
  if (token !== undefined && token.length < 8) throw new CliError('--token must be at least 8 characters');
  // It travels as "Authorization: Bearer <t>": whitespace, control or non-ASCII characters would lock everyone out.
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new CliError('--token (or GREENLET_CC_TOKEN) must be printable ASCII without spaces');
  }
  if (!token && !isLoopbackHost(host)) {
    throw new CliError(
      `Refusing to bind ${host} without --token: anyone on the network could control the pool. ` +
        `Pass --token <secret> (or GREENLET_CC_TOKEN), or bind 127.0.0.1.`,
    );
  }
  return {
    port,
    host,
    token,
    dataDir: values['data-dir'] ?? defaultDataDir(),
    staticDir: values['static-dir'],
    metricsPublic: values['metrics-public'] ?? false,
    ...clusterArgs(values),
  };
}

function clusterArgs(v: { join?: string; 'host-id'?: string; cluster?: string; 'cluster-config'?: string; 'cluster-demo'?: boolean }) {
  const modes = [v.join !== undefined, v.cluster !== undefined, v['cluster-demo'] === true].filter(Boolean).length;
  if (modes > 1) throw new CliError('--join, --cluster and --cluster-demo exclude each other');
  for (const [flag, url] of [['--join', v.join], ['--cluster', v.cluster]] as const) {
    // Credentials in a URL would show in `ps`: they belong in the config file or GCC_NATS_* variables.
    if (url !== undefined && !/^(nats|tls):\/\/[^\s/@]+(,(nats|tls):\/\/[^\s/@]+)*$/.test(url)) {
      throw new CliError(`${flag} must be nats://host:port (comma-separated for several; no credentials — use GCC_NATS_* or --cluster-config)`);
    }
  }
  if (v['host-id'] !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(v['host-id'])) throw new CliError('--host-id must be 1-64 letters, digits, _ or -');
  if (v['host-id'] !== undefined && v.join === undefined) throw new CliError('--host-id needs --join');
  const out = { join: v.join, hostId: v['host-id'], cluster: v.cluster, clusterConfig: v['cluster-config'], clusterDemo: v['cluster-demo'] };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined)) as Partial<typeof out>;
}
