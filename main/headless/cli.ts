// Command-line options of `npm run serve` / `node out/main/serve.js`, kept
// apart from the entry point so they can be tested without starting anything.
import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultDataDir as planeDataDir } from '../control/config/config-store';
import { hostChecker } from './server-guards';

export const DEFAULT_PORT = 7420;
export const DEFAULT_HOST = '127.0.0.1';
const PRODUCT_NAME = 'Greenlet Control Center'; // package.json productName: Electron names userData after it

export interface ServeOptions {
  port: number;
  host: string;
  token?: string; // absent: the one saved in <data dir>/token, else a generated one (token-store.ts)
  rotateToken: boolean; // --rotate-token: replace the saved token with a new one
  tokenSource?: 'file' | 'env'; // where a given token came from (for the start-up line; never the token itself)
  dataDir: string;
  staticDir?: string;
  metricsPublic: boolean;
  allowedHosts: string[]; // extra Host header names (a reverse proxy's), see server-guards.ts
  // Scale-out (docs/cluster.md): host agent, cluster monitoring, or the one-command demo.
  join?: string; // nats://… — run as a host agent of that cluster instead of a control center
  hostId?: string;
  cluster?: string; // nats://… — a control center that shows that cluster's hosts
  clusterConfig?: string; // JSON { cluster, pool }; default <data-dir>/cluster.json when present
  clusterDemo?: boolean;
  insecureBroker?: boolean; // accept a broker without auth beyond loopback (refused otherwise)
}

/** A refusal with the exit code the CLI should use (2 = bad usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const USAGE = `Usage: npm run serve -- [--port 7420] [--host 127.0.0.1] [--token-file <0600 file> | --rotate-token] [--data-dir <dir>] [--static-dir <dir>] [--metrics-public] [--allowed-host <name[:port]>]...
       [--join nats://host:4222 --host-id NAME | --cluster nats://host:4222 | --cluster-demo] [--cluster-config <file.json>] [--insecure-broker]
  The token comes from --token-file or the GREENLET_CC_TOKEN environment variable (never from the command line); without either, the one saved in <data dir>/token is used (generated on first start; --rotate-token replaces it).`;

/** Env var that carries the token to the server (and from scripts/serve.mjs to its child). */
export const TOKEN_ENV = 'GREENLET_CC_TOKEN';

const TOKEN_ON_ARGV =
  '--token on the command line is readable by every local user (ps, /proc/<pid>/cmdline) and is refused. ' +
  `Put the token in a file only you can read (chmod 600) and pass --token-file <path>, or set ${TOKEN_ENV}.`;

/**
 * The token from a file that only its owner can read. A group- or world-readable
 * file (or one owned by someone else) is refused: anyone who can read the token
 * controls the pool, which runs programs as this user. `label` names the file in errors.
 */
export function readTokenFile(file: string, uid = process.getuid?.(), label = `--token-file ${file}`): string {
  // One open file for the checks and the read: the file cannot be swapped in between. Non-blocking:
  // opening a FIFO for reading would otherwise wait for a writer forever (start-up hung); opened
  // this way it returns at once and the type check below refuses it.
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new CliError(`${label}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CliError(`${label}: not a regular file`);
    if (process.platform !== 'win32') {
      if ((st.mode & 0o077) !== 0) {
        throw new CliError(
          `${label}: readable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); run \`chmod 600 ${file}\``,
        );
      }
      if (uid !== undefined && st.uid !== uid) throw new CliError(`${label}: owned by uid ${st.uid}, not by this user (uid ${uid})`);
    }
    // One trailing newline is what `echo secret > file` leaves: not part of the token.
    return readFileSync(fd, 'utf8').replace(/\r?\n$/, '');
  } finally {
    closeSync(fd);
  }
}

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
        token: { type: 'string' }, // recognised only to refuse it with the reason
        'token-file': { type: 'string' },
        'rotate-token': { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        'metrics-public': { type: 'boolean', default: false },
        'allowed-host': { type: 'string', multiple: true },
        join: { type: 'string' },
        'host-id': { type: 'string' },
        cluster: { type: 'string' },
        'cluster-config': { type: 'string' },
        'cluster-demo': { type: 'boolean' },
        'insecure-broker': { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be an integer 0..65535, got "${values.port}"`);
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') throw new CliError('--host must not be empty');
  if (values.token !== undefined) throw new CliError(TOKEN_ON_ARGV);
  const fromFile = values['token-file'];
  const tokenSource = fromFile !== undefined ? 'file' : env[TOKEN_ENV] !== undefined ? 'env' : undefined;
  const token = fromFile !== undefined ? readTokenFile(fromFile) : env[TOKEN_ENV];
  const what = fromFile !== undefined ? `the token in --token-file ${fromFile}` : TOKEN_ENV;
  if (token !== undefined && token.length < 8) throw new CliError(`${what} must be at least 8 characters`);
  // It travels as "Authorization: Bearer <t>": whitespace, control or non-ASCII characters would lock everyone out.
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new CliError(`${what} must be printable ASCII without spaces`);
  }
  const rotateToken = values['rotate-token'] ?? false;
  if (rotateToken && token !== undefined)
    throw new CliError(`--rotate-token replaces the token saved in the data directory; it cannot be combined with ${what}`);
  if (!token && !isLoopbackHost(host)) {
    throw new CliError(
      `Refusing to bind ${host} without a token: anyone on the network could control the pool. ` +
        `Pass --token-file <0600 file> (or set ${TOKEN_ENV}), or bind 127.0.0.1.`,
    );
  }
  const allowedHosts = values['allowed-host'] ?? [];
  try {
    hostChecker(host, port, allowedHosts);
  } catch (err) {
    throw new CliError(`--allowed-host: ${(err as Error).message.replace(/^options\.allowedHosts /, '')}`);
  }
  return {
    port,
    host,
    token,
    tokenSource,
    rotateToken,
    dataDir: values['data-dir'] ?? defaultDataDir(),
    staticDir: values['static-dir'],
    metricsPublic: values['metrics-public'] ?? false,
    allowedHosts,
    ...clusterArgs(values),
  };
}

function clusterArgs(v: {
  join?: string;
  'host-id'?: string;
  cluster?: string;
  'cluster-config'?: string;
  'cluster-demo'?: boolean;
  'insecure-broker'?: boolean;
}) {
  const modes = [v.join !== undefined, v.cluster !== undefined, v['cluster-demo'] === true].filter(Boolean).length;
  if (modes > 1) throw new CliError('--join, --cluster and --cluster-demo exclude each other');
  for (const [flag, url] of [
    ['--join', v.join],
    ['--cluster', v.cluster],
  ] as const) {
    // Credentials in a URL would show in `ps`: they belong in the config file or GCC_NATS_* variables.
    if (url !== undefined && !/^(nats|tls):\/\/[^\s/@]+(,(nats|tls):\/\/[^\s/@]+)*$/.test(url)) {
      throw new CliError(`${flag} must be nats://host:port (comma-separated for several; no credentials — use GCC_NATS_* or --cluster-config)`);
    }
  }
  if (v['host-id'] !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(v['host-id'])) throw new CliError('--host-id must be 1-64 letters, digits, _ or -');
  if (v['host-id'] !== undefined && v.join === undefined) throw new CliError('--host-id needs --join');
  if (v['insecure-broker'] && v.join === undefined && v.cluster === undefined) throw new CliError('--insecure-broker needs --join or --cluster');
  const out = {
    join: v.join,
    hostId: v['host-id'],
    cluster: v.cluster,
    clusterConfig: v['cluster-config'],
    clusterDemo: v['cluster-demo'],
    insecureBroker: v['insecure-broker'],
  };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined)) as Partial<typeof out>;
}
