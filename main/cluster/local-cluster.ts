// Local cluster for tests, the bench and `--cluster-demo`: a real nats-server with JetStream on a free loopback
// port and a temp store dir, and host agents as real child processes in their
// own process group (so kill -9 of the group is a real host death).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterOptions } from './options';

// main/cluster/ from source; out/main/ or out/main/chunks/ when bundled: walk up to package.json.
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot =
  [resolve(here, '..', '..'), resolve(here, '..', '..', '..')].find((d) => existsSync(join(d, 'package.json'))) ?? process.cwd();

/** The nats-server binary (found or installed by scripts/ensure-nats.mjs), or null. */
export function natsServerBinary(): string | null {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'ensure-nats.mjs'), '--print'], { encoding: 'utf8' });
  const bin = r.stdout.trim();
  return bin || null;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export function waitForLine(child: ChildProcess, re: RegExp, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`${what} not ready within ${timeoutMs} ms:\n${buf.slice(-2000)}`)), timeoutMs);
    const on = (d: Buffer) => {
      buf += d.toString();
      if (re.test(buf)) {
        clearTimeout(timer);
        res();
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited (${code}) before ready:\n${buf.slice(-2000)}`));
    });
  });
}

export class NatsServer {
  child: ChildProcess | null = null;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'gcc-nats-'));
  constructor(
    readonly bin: string,
    readonly port: number,
    private readonly configText?: string, // nats-server config (auth …), written 0600 into the store dir, never argv
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(bin: string, configText?: string): Promise<NatsServer> {
    const s = new NatsServer(bin, await freePort(), configText);
    await s.start();
    return s;
  }

  async start(): Promise<void> {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir];
    if (this.configText) {
      const file = join(this.storeDir, 'server.conf');
      writeFileSync(file, this.configText, { mode: 0o600 });
      args.push('-c', file);
    }
    this.child = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLine(this.child, /Server is ready/, 'nats-server');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((res) => {
      c.once('exit', () => res());
      c.kill(signal);
    });
    this.child = null;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export class HostProcess {
  child: ChildProcess | null = null;
  constructor(
    readonly hostId: string,
    private readonly args: string[],
    private readonly entry: string[],
  ) {}

  /** From source by default; `entry` = [out/main/serve.js] runs the built headless server with --join. */
  static async start(
    url: string,
    hostId: string,
    configFile: string,
    extra: string[] = [],
    entry = ['--import', 'tsx', join(repoRoot, 'main', 'cluster', 'host-main.ts')],
  ): Promise<HostProcess> {
    const isServe = entry.some((e) => e.endsWith('serve.js'));
    const h = new HostProcess(hostId, ['--join', url, '--host-id', hostId, isServe ? '--cluster-config' : '--config', configFile, ...extra], entry);
    await h.start();
    return h;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [...this.entry, ...this.args], {
      cwd: repoRoot,
      detached: true, // its own process group: kill(-pid) takes its Python workers too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForLine(this.child, /joined/, `host ${this.hostId}`, 60_000);
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  signalGroup(signal: NodeJS.Signals): void {
    if (this.pid) process.kill(-this.pid, signal);
  }

  /** Like signalGroup, for clean-up: a group already gone is fine. */
  signalGroupSafe(signal: NodeJS.Signals): void {
    try {
      this.signalGroup(signal);
    } catch {
      // ESRCH: nothing left to signal
    }
  }

  /** kill -9 of the whole process group; resolves when the host process is gone. */
  async killGroup(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((res) => c.once('exit', () => res()));
    this.signalGroup('SIGKILL');
    await gone;
  }
}

/** A cluster config file (0600: it may hold credentials) in `dir`. */
export function writeClusterConfig(dir: string, cluster: Partial<ClusterOptions>, pool: Record<string, unknown>): string {
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify({ cluster, pool }), { mode: 0o600 });
  return file;
}
