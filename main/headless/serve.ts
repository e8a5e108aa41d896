// Headless entry point (plain Node; nothing here may reach `electron`):
// starts the control plane and the HTTP server, prints the URL to open,
// and drains the pool on SIGINT/SIGTERM. The token never comes from argv
// (cli.ts); without one given, the one saved in <data dir>/token (0600) is used,
// generated on first start and replaced only by --rotate-token (token-store.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createA2AMount } from '../a2a/index';
import { runHostAgent } from '../cluster/host-main';
import { clusterConfigPath, clusterForServe } from '../cluster/serve-cluster';
import { ControlPlane } from '../control/index';
import { CliError, TOKEN_ENV, parseServeArgs } from './cli';
import { createHeadlessServer } from './server';
import { loadOrCreateToken, type SavedToken } from './token-store';

const REPEAT_WINDOW_MS = 1_000;
const here = dirname(fileURLToPath(import.meta.url));
// Built: out/main/serve.js. From source (tsx): main/headless/serve.ts.
const repoRoot = [resolve(here, '..', '..'), resolve(here, '..', '..', '..')].find((d) => existsSync(join(d, 'package.json'))) ?? process.cwd();

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

async function main(): Promise<void> {
  const opts = parseServeArgs(process.argv.slice(2));
  // Python workers (agent code) inherit this environment: they have no use for the token.
  delete process.env[TOKEN_ENV];
  if (opts.join) {
    // Host agent of a cluster: pulls work from NATS for its local workers; no UI, no HTTP port.
    await runHostAgent({ join: opts.join, hostId: opts.hostId, config: clusterConfigPath(opts), insecureBroker: opts.insecureBroker });
    return;
  }
  // Before anything starts: an unsafe saved token file refuses start-up (CliError, exit 2).
  const saved: SavedToken | undefined = opts.token ? undefined : await loadOrCreateToken(opts.dataDir, opts.rotateToken);
  const token = opts.token ?? saved!.token;
  const builtServe = fileURLToPath(import.meta.url).endsWith('.js') ? fileURLToPath(import.meta.url) : null;
  const cluster = await clusterForServe(opts, builtServe);
  const staticDir = opts.staticDir ?? join(repoRoot, 'out', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    console.warn(`[serve] ${staticDir}/index.html not found — the UI is not built (run \`npm run build\`); the API still works.`);
  }

  const runtimeDir = join(repoRoot, 'python');
  const cp = await ControlPlane.create({
    dataDir: opts.dataDir,
    mode: 'headless',
    version: readVersion(),
    runtimeDir: existsSync(runtimeDir) ? runtimeDir : undefined,
    cluster: cluster.options,
  });
  const server = await createHeadlessServer({
    controlPlane: cp,
    token,
    host: opts.host,
    port: opts.port,
    staticDir,
    metricsPublic: opts.metricsPublic,
    allowedHosts: opts.allowedHosts,
  }).catch(async (err: unknown) => {
    await cp.stop(); // don't leave Python workers behind when the port is taken
    await cluster.stop();
    throw err;
  });

  // The A2A gateway shares the port: Agent Card and JSON-RPC under their own paths, same token.
  const a2a = createA2AMount(cp, { token, baseUrl: server.url, version: readVersion() });
  for (const prefix of a2a.prefixes) server.addMount({ prefix, handler: a2a.handler });

  if (saved) {
    const what = { saved: 'using the saved token', generated: 'generated a token', rotated: 'rotated the token (open tabs must sign in again)' }[
      saved.source
    ];
    if (saved.replaced) console.warn(`[serve] the saved token file ${saved.file} was replaced: ${saved.replaced}`);
    if (saved.saveError)
      console.warn(`[serve] ${what} but could not save it to ${saved.file} (${saved.saveError}); it lasts for this run only and is in the URL below`);
    else console.log(`[serve] ${what}; it is in ${saved.file} (mode 0600). New token: npm run serve -- --rotate-token`);
  } else {
    console.log(`[serve] token from ${opts.tokenSource === 'file' ? '--token-file' : TOKEN_ENV}`);
  }
  console.log(`[serve] data directory: ${opts.dataDir}`);
  console.log(`[serve] A2A agent card: ${a2a.agentCardUrl}`);
  console.log(`Greenlet Control Center: ${server.url}/#token=${encodeURIComponent(token)}`);

  // Ctrl-C signals the whole process group (npm, scripts/serve.mjs and this process), and a
  // wrapper may forward it once more; systemd does the same with SIGTERM. Copies arriving within
  // REPEAT_WINDOW_MS of the first are that same signal: only a later, separate one forces the exit.
  let stoppingSince: number | undefined;
  const stop = async (signal: string) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < REPEAT_WINDOW_MS) return;
      console.error(`[serve] ${signal} again — exiting without waiting for the drain`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`[serve] ${signal}: draining the pool…`);
    // New requests are refused at once; tasks already running finish and their HTTP answers go out.
    server.stopAccepting();
    await cp.stop();
    await cluster.stop();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof CliError) {
    console.error(`[serve] ${err.message}`);
    process.exit(err.exitCode);
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') console.error(`[serve] port already in use: ${e.message} — pass --port <n>`);
  else console.error('[serve] failed to start:', err);
  process.exit(1);
});
