// Starts the REAL headless server (node out/main/serve.js) on a free loopback
// port with a fresh token and data directory, and waits until it serves the
// UI and has a healthy worker. Shared by the Playwright global setup and bench/ui.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface RunningServer {
  url: string; // http://127.0.0.1:<port>
  token: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string; // pre-populated data dir; else a fresh temp dir (removed on stop)
  staticDir?: string;
  waitHealthy?: boolean;
  timeoutMs?: number;
  port?: number; // to restart a server where the page expects it
  token?: string;
  args?: string[]; // extra serve flags (e.g. --cluster nats://…)
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const entry = join(repoRoot, 'out', 'main', 'serve.js');
  if (!existsSync(entry)) throw new Error(`${entry} missing — run \`npx electron-vite build\` first`);
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'gcc-e2e-'));
  const token = opts.token ?? randomBytes(18).toString('base64url');
  const args = [entry, '--port', String(opts.port ?? 0), '--data-dir', dataDir];
  if (opts.staticDir) args.push('--static-dir', opts.staticDir);
  if (opts.args) args.push(...opts.args);
  // The token goes by environment, never argv: any local user can read a command line.
  const env = { ...process.env, GREENLET_CC_TOKEN: token };
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const timeoutMs = opts.timeoutMs ?? 60_000;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless server did not print its URL in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /Greenlet Control Center: (http:\/\/[^/\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless server exited with ${code}:\n${out}`));
    });
  });

  const server: RunningServer = {
    url,
    token,
    dataDir,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.waitHealthy ?? true) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await fetch(`${url}/healthz`).catch(() => null);
      if (r?.ok) break;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`no healthy worker within ${timeoutMs} ms:\n${out}`);
      }
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  return server;
}
