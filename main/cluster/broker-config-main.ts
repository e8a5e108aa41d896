// `npm run cluster-config -- --out DIR --hosts a,b,c --callers app1,app2 [--pool NAME] [--servers nats://…]`
// writes DIR/nats-server.conf (start the broker with `nats-server -c`) and one 0600
// DIR/<user>.cluster.json per host, caller and the control center (docs/cluster.md).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBrokerConfig } from './broker-config';

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' },
      pool: { type: 'string', default: 'default' },
      hosts: { type: 'string', default: '' },
      callers: { type: 'string', default: '' },
      control: { type: 'string', default: 'control' },
      servers: { type: 'string', default: 'nats://127.0.0.1:4222' },
      force: { type: 'boolean', default: false },
    },
  });
  if (!values.out) throw new Error('--out DIR is required');
  // New keys on every run: overwriting would lock out every machine holding the old credentials.
  if (existsSync(join(values.out, 'nats-server.conf')) && !values.force)
    throw new Error(`${values.out}/nats-server.conf exists; pass --force to replace every credential`);
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const spec = {
    pool: values.pool,
    servers: list(values.servers),
    hosts: list(values.hosts),
    callers: list(values.callers),
    control: values.control,
  };
  const out = writeBrokerConfig(values.out, spec);
  console.log(`nats-server config: ${out.serverConf} (public keys only)`);
  for (const u of out.users) console.log(`  ${u.role.padEnd(7)} ${u.name.padEnd(20)} ${out.files[u.name]} (0600: holds its nkey seed)`);
  console.log('Start the broker with `nats-server -c nats-server.conf`; give each machine only its own file (--cluster-config / --config).');
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`[cluster-config] ${(err as Error).message}`);
  process.exit(2);
}
