// The demo's last line of clean-up: a tiny detached process that holds a pipe from the demo's
// process. A process killed with SIGKILL runs no exit hook, but the kernel closes its pipes:
// when this pipe ends without "done", the watchdog kills what the demo registered (nats-server,
// each host's process group with its Python workers) and removes its folders.
import { spawn, type ChildProcess } from 'node:child_process';

// Plain JS for `node -e`: one JSON line per registration on stdin.
const WATCHDOG = `
const kills = []; const dirs = []; let done = false; let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  for (let i = buf.indexOf('\\n'); i >= 0; i = buf.indexOf('\\n')) {
    const m = JSON.parse(buf.slice(0, i)); buf = buf.slice(i + 1);
    if (m.pid) kills.push(m.pid); if (m.group) kills.push(-m.group); if (m.dir) dirs.push(m.dir); if (m.done) done = true;
  }
});
process.stdin.on('end', () => {
  if (!done) {
    for (const p of kills) { try { process.kill(p, 'SIGKILL'); } catch {} }
    for (const d of dirs) require('node:fs').rmSync(d, { recursive: true, force: true });
  }
  process.exit(0);
});
`;

export class DemoWatchdog {
  private readonly child: ChildProcess;

  constructor() {
    // Its own process group: the Ctrl-C that reaches the demo must not take the watchdog first.
    this.child = spawn(process.execPath, ['-e', WATCHDOG], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.child.unref();
  }

  watch(what: { pid?: number; group?: number; dir?: string }): void {
    this.child.stdin?.write(`${JSON.stringify(what)}\n`);
  }

  /** The demo cleaned up itself: the watchdog leaves without touching anything. */
  release(): void {
    this.child.stdin?.end(`${JSON.stringify({ done: true })}\n`);
  }
}
