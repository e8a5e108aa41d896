// Writes a ready nats-server configuration for one cluster pool: one account with JetStream,
// one nkey user per host, per caller and for the control center, each with the permissions of
// its role (permissions.ts). The server file holds public keys only; each user's seed goes into
// its own cluster config file (0600), the one `--join … --cluster-config` / `--config` reads.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { ClusterError } from './options';
import { inboxPrefixFor, permissionsFor, USER_NAME, type Role } from './permissions';

export interface BrokerSpec {
  pool: string;
  servers: string[]; // written into each credential file
  hosts: string[]; // host ids: a host's credential is bound to its --host-id
  callers: string[]; // caller names: each reads only <name>.> of the results bucket
  control?: string; // the control center's user name, default "control"
}

export interface BrokerUser {
  name: string;
  role: Role;
  publicKey: string;
  seed: string;
}

export interface BrokerConfig {
  serverConf: string;
  users: BrokerUser[];
}

const q = (s: string) => JSON.stringify(s); // nats-server reads JSON strings: "$KV…" stays literal

function checkSpec(spec: BrokerSpec): string[] {
  const control = spec.control ?? 'control';
  const all = [...spec.hosts, ...spec.callers, control];
  for (const n of all)
    if (!USER_NAME.test(n)) throw new ClusterError('ERR_CLUSTER_OPTION', `user name "${n}" must be 1-64 letters, digits, _ or -`, { field: 'users' });
  const dup = all.find((n, i) => all.indexOf(n) !== i);
  if (dup)
    throw new ClusterError('ERR_CLUSTER_OPTION', `user name "${dup}" is given twice: each host, caller and the control center needs its own`, {
      field: 'users',
    });
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(spec.pool))
    throw new ClusterError('ERR_CLUSTER_OPTION', 'pool must be 1-32 letters, digits, _ or -', { field: 'pool' });
  return all;
}

function userBlock(u: BrokerUser, pool: string): string {
  const p = permissionsFor(u.role, pool, u.name);
  return [
    `      # ${u.name}: ${u.role} (inbox ${inboxPrefixFor(u.name)})`,
    `      { nkey: ${q(u.publicKey)}, permissions: {`,
    `          publish: { allow: [${p.publish.map(q).join(', ')}] }`,
    `          subscribe: { allow: [${p.subscribe.map(q).join(', ')}] }`,
    p.allowResponses ? '          allow_responses: true' : '',
    '      } }',
  ]
    .filter(Boolean)
    .join('\n');
}

export function brokerConfig(spec: BrokerSpec): BrokerConfig {
  checkSpec(spec);
  const control = spec.control ?? 'control';
  const roles: [string, Role][] = [
    ...spec.hosts.map((h) => [h, 'host'] as [string, Role]),
    ...spec.callers.map((c) => [c, 'caller'] as [string, Role]),
    [control, 'control'],
  ];
  const users = roles.map(([name, role]) => {
    const kp = nkeys.createUser();
    return { name, role, publicKey: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
  });
  const serverConf = [
    `# nats-server configuration for greenlet cluster pool "${spec.pool}" (docs/cluster.md, "Roles and permissions").`,
    "# Public keys only: each user's seed is in its own 0600 cluster config file.",
    'listen: "127.0.0.1:4222" # bind where your hosts can reach it; use TLS beyond one machine',
    'jetstream: enabled # set jetstream { store_dir: "/var/lib/nats" } for real use (the default is a temp folder)',
    'accounts {',
    '  GCC {',
    '    jetstream: enabled',
    '    users: [',
    users.map((u) => userBlock(u, spec.pool)).join('\n'),
    '    ]',
    '  }',
    '}',
    '',
  ].join('\n');
  return { serverConf, users };
}

/** The cluster config file of one user: servers, pool and its credential. */
export function credentialFile(u: BrokerUser, spec: BrokerSpec): { cluster: Record<string, unknown> } {
  return { cluster: { servers: spec.servers, pool: spec.pool, auth: { name: u.name, nkeySeed: u.seed } } };
}

/** Writes nats-server.conf and <user>.cluster.json (all 0600) into `dir`; returns their paths. */
export function writeBrokerConfig(
  dir: string,
  spec: BrokerSpec,
  extra: (u: BrokerUser) => Record<string, unknown> = () => ({}),
): { serverConf: string; files: Record<string, string>; users: BrokerUser[] } {
  const cfg = brokerConfig(spec);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serverConf = join(dir, 'nats-server.conf');
  writeSecret(serverConf, cfg.serverConf);
  const files: Record<string, string> = {};
  for (const u of cfg.users) {
    files[u.name] = join(dir, `${u.name}.cluster.json`);
    writeSecret(files[u.name]!, `${JSON.stringify({ ...credentialFile(u, spec), ...extra(u) }, null, 2)}\n`);
  }
  return { serverConf, files, users: cfg.users };
}

/** A file only its owner can read (credentials). */
export function writeSecret(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its old mode through writeFileSync
}
