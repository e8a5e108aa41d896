// The packaged app, built offline: electron-vite builds out/ (when missing), then `npm run dist --
// --dir` runs electron-builder with -c.electronDist pointed at a stand-in Electron (the real binary
// cannot be downloaded here). The stand-in is a file holding Electron's fuse sentinel and default
// fuse wire, so electron-builder's real @electron/fuses step flips it as it would the real binary.
// Then: what the app loads from app.asar (compiled main, CommonJS preload, renderer, the runtime
// dependencies main imports), the Python runtime in resources/, and the fuses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import vm from 'node:vm';
import * as asar from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../common/contract';
import { validateAgent } from './control/config/agent-validate';
import { venvPythonPath } from './control/python/python-probe';

const root = resolve(__dirname, '..');
const linux = process.platform === 'linux';
const tmp = mkdtempSync(join(tmpdir(), 'gcc-pack-'));
const release = join(tmp, 'release');
const appDir = join(release, 'linux-unpacked');
const asarPath = join(appDir, 'resources', 'app.asar');
const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/serve.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Electron's fuse wire as shipped: sentinel, wire version 1, 8 fuses (RunAsNode, CookieEncryption,
// NodeOptions, NodeCliInspect, EmbeddedAsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocol).
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_DEFAULT_WIRE = '10110001';

function makeStandInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script = '#!/bin/sh\necho "stand-in for Electron used by main/packaging.test.ts; not runnable" >&2\nexit 1\n# ';
  const body = Buffer.concat([
    Buffer.from(script + SENTINEL),
    Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
    Buffer.from(`${ELECTRON_DEFAULT_WIRE}\n`),
  ]);
  writeFileSync(join(dir, 'electron'), body, { mode: 0o755 });
  writeFileSync(join(dir, 'version'), JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in');
}

const sh = (cmd: string, args: string[], timeout: number) => {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout, env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
};

let packOutput = '';
let files: string[] = [];
const read = (p: string) => asar.extractFile(asarPath, p).toString('utf8');

function buildIfMissing(): void {
  if (BUILD_OUTPUTS.every((f) => existsSync(join(root, f)))) return;
  const build = sh(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], 900_000);
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.output.slice(-4000)}`);
}

beforeAll(() => {
  if (!linux) return;
  const standIn = join(tmp, 'electron-stand-in');
  makeStandInElectron(standIn);
  const args = ['scripts/dist.mjs', '--dir', '--skip-env', '--skip-build', '--electron-dist', standIn, '--output', release];
  buildIfMissing();
  let pack = sh(process.execPath, args, 900_000);
  if (pack.status !== 0) {
    // out/ is shared: another `npm run build` may have been rewriting it while electron-builder
    // copied it. Rebuild if needed and package once more before calling it a failure.
    console.warn(`[packaging] first attempt failed, retrying:\n${pack.output.slice(-1500)}`);
    buildIfMissing();
    pack = sh(process.execPath, args, 900_000);
  }
  packOutput = pack.output;
  if (pack.status !== 0) throw new Error(`npm run dist -- --dir failed:\n${pack.output.slice(-4000)}`);
  files = asar.listPackage(asarPath, { isPack: false }).map((f) => f.replace(/\\/g, '/').replace(/^\//, ''));
}, 1_200_000);

describe.runIf(linux)('packaged app (Linux only: the stand-in Electron mimics the Linux layout; electron-builder --dir, offline)', () => {
  it('produces the unpacked app with the renamed executable and app.asar', () => {
    // electron-builder copied the stand-in (so -c.electronDist reached it) and renamed it.
    expect(readFileSync(join(appDir, 'greenlet-control-center'), 'utf8')).toContain('stand-in for Electron');
    expect(packOutput).toContain('[dist] done; unpacked app in');
    expect(statSync(asarPath).size).toBeGreaterThan(10_000);
    const mb = (statSync(asarPath).size / 1e6).toFixed(1);
    console.log(`[packaging] app.asar ${mb} MB, ${files.length} entries; resources: ${readdirSync(join(appDir, 'resources')).join(', ')}`);
  });

  it('app.asar holds compiled main, preload, renderer and package.json, and no sources', () => {
    for (const f of [...BUILD_OUTPUTS, 'package.json']) expect(files).toContain(f);
    const pkg = JSON.parse(read('package.json')) as Record<string, unknown>;
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.type).toBe('module'); // out/main is ESM
    expect(pkg.desktopName).toBe('greenlet-control-center.desktop'); // Linux window ↔ .desktop entry
    expect(pkg.scripts).toBeUndefined();
    const leaked = files.filter(
      (f) => !f.startsWith('node_modules/') && (/\.(ts|tsx|map)$/.test(f) || /\.test\./.test(f) || f.startsWith('python/') || f.startsWith('main/')),
    );
    expect(leaked).toEqual([]);
  });

  it('the preload is CommonJS that only needs what a sandboxed preload may require, and exposes every contract method', () => {
    const code = read('out/preload/index.cjs');
    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    // The only fake: the `electron` module, which cannot run here.
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { on: () => undefined, invoke: async () => ({ ok: true, value: null }), removeListener: () => undefined },
    };
    const fakeRequire = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require "${id}"`);
    };
    const module = { exports: {} as unknown };
    const fn = vm.runInNewContext(`(function (require, module, exports) {\n${code}\n})`, { console });
    fn(fakeRequire, module, module.exports);
    expect(required).toEqual(['electron']);
    const api = exposed.controlCenter as Record<string, unknown>;
    expect(typeof api.on).toBe('function');
    for (const m of methodNames) expect(typeof api[m], m).toBe('function');
    expect(methodNames).toEqual(expect.arrayContaining(['checkPythonEnv', 'setupPythonEnv', 'validateAgent']));
  });

  it('the preload and renderer paths main computes from its own folder exist inside app.asar', () => {
    const refs: string[] = [];
    for (const f of files.filter((x) => /^out\/main\/.+\.(m?js|cjs)$/.test(x))) {
      for (const m of read(f).matchAll(/import\.meta\.dirname\s*,\s*["']([^"']+)["']/g)) refs.push(posix.join(posix.dirname(f), m[1]!));
    }
    expect(refs).toEqual(expect.arrayContaining(['out/preload/index.cjs', 'out/renderer/index.html']));
    for (const ref of refs) expect(files, ref).toContain(ref);
  });

  it('every script and stylesheet the renderer page references is in app.asar', () => {
    const html = read('out/renderer/index.html');
    const refs = [...html.matchAll(/(?:src|href)="(\.\/[^"]+|\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(files, ref).toContain(posix.join('out/renderer', ref.replace(/^\.?\//, '')));
  });

  it('every package main imports at run time, and everything it depends on, is packaged', () => {
    const builtins = new Set([...builtinModules, 'electron']);
    const has = new Set(files);
    const mains = files.filter((f) => /^out\/main\/.+\.(m?js|cjs)$/.test(f));
    const imported = new Set<string>();
    for (const f of mains) {
      // A specifier starts like a package name: prose such as `heard from", [` in a metric's help is not one.
      for (const m of read(f).matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([@a-zA-Z0-9][^"'\s,]*)["']/g)) {
        const spec = m[1]!.replace(/^node:/, '');
        if (builtins.has(spec) || builtins.has(spec.split('/')[0]!)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(0); // main externalises its dependencies
    // Node's lookup inside the archive: nearest node_modules/<name> walking up from the requirer.
    const resolveIn = (fromDir: string, name: string): string | undefined => {
      for (let d = fromDir; ;) {
        if (has.has(`${d}/node_modules/${name}/package.json`)) return `${d}/node_modules/${name}`;
        const i = d.lastIndexOf('/node_modules/');
        if (i < 0) break;
        d = d.slice(0, i);
      }
      return has.has(`node_modules/${name}/package.json`) ? `node_modules/${name}` : undefined;
    };
    const missing: string[] = [];
    const seen = new Set<string>();
    const visit = (dir: string) => {
      if (seen.has(dir)) return;
      seen.add(dir);
      const deps = Object.keys((JSON.parse(read(`${dir}/package.json`)) as { dependencies?: object }).dependencies ?? {});
      for (const dep of deps) {
        const found = resolveIn(dir, dep);
        if (found) visit(found);
        else missing.push(`${dep} (needed by ${dir})`);
      }
    };
    for (const name of imported) {
      if (has.has(`node_modules/${name}/package.json`)) visit(`node_modules/${name}`);
      else missing.push(`${name} (imported by out/main)`);
    }
    expect(missing).toEqual([]);
    expect(seen.size).toBeGreaterThan(imported.size);
  });

  it('leaves out the renderer-only packages that out/renderer already bundles', () => {
    for (const p of ['react', 'react-dom', 'recharts', 'zustand']) expect(files).not.toContain(`node_modules/${p}/package.json`);
  });

  it('resources/python holds the agent runtime and the examples, without bytecode caches', () => {
    const py = join(appDir, 'resources', 'python');
    for (const f of ['greenlet_a2a/__init__.py', 'greenlet_a2a/worker.py', 'greenlet_a2a/agent.py', 'examples/echo_agent.py', 'requirements.txt']) {
      expect(existsSync(join(py, f)), f).toBe(true);
    }
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name, ...walk(join(d, e.name))] : [e.name]));
    expect(walk(py).filter((n) => n === '__pycache__' || n.endsWith('.pyc') || n === '.venv')).toEqual([]);
  });

  it('the packaged Python runtime starts a real worker on its own (runtimeDir = resources/python)', async () => {
    const r = await validateAgent({
      agent: 'echo_agent:EchoAgent',
      runtimeDir: join(appDir, 'resources', 'python'),
      pythonPath: venvPythonPath(join(root, 'python', '.venv')),
      // PYTHONPATH from the environment would let the repo's copy stand in for the packaged one.
      env: { PYTHONPATH: '' },
    });
    expect(r).toEqual({ ok: true, agentId: 'echo', capabilities: ['echo'] });
  });

  it('the fuses are flipped as electron-builder.yml says (RunAsNode and file:// extra privileges off)', async () => {
    const wire = await getCurrentFuseWire(join(appDir, 'greenlet-control-center'));
    const on = 49,
      off = 48;
    expect(wire[0]).toBe(off); // RunAsNode
    expect(wire[1]).toBe(on); // EnableCookieEncryption
    expect(wire[2]).toBe(off); // EnableNodeOptionsEnvironmentVariable
    expect(wire[3]).toBe(off); // EnableNodeCliInspectArguments
    expect(wire[4]).toBe(on); // EnableEmbeddedAsarIntegrityValidation
    expect(wire[5]).toBe(on); // OnlyLoadAppFromAsar
    expect(wire[7]).toBe(off); // GrantFileProtocolExtraPrivileges: the renderer loads from app://, not file://
  });
});

describe('npm run dist without the Electron binary', () => {
  const hasBinary = existsSync(join(root, 'node_modules', 'electron', 'dist'));
  it.skipIf(hasBinary)('stops before building with one line saying what is missing and how to fix it', () => {
    const r = spawnSync(process.execPath, ['scripts/dist.mjs'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Electron binary is missing');
    expect(lines[0]).toContain('npm install');
    expect(lines[0]).toContain('--electron-dist');
    expect(r.stdout).not.toContain('electron-vite'); // nothing was built
  });
});
