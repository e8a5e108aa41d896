import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { configPath, defaultDataDir, diffConfig, loadConfig, mergePatch, saveConfig, validateConfig } from './config-store';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcc-config-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('validateConfig', () => {
  it('names every bad field of a merged patch, including unknown keys and min > max', () => {
    const merged = mergePatch(defaultConfig(), {
      pool: { minWorkers: 5, maxWorkers: 3, timeout: 0, agent: 'not an agent', bogus: 1 },
      alerts: { errorRatePct: 300 },
      sampling: { intervalMs: 5 },
    });
    const result = validateConfig(merged);
    expect(result.ok).toBe(false);
    const paths = !result.ok ? result.issues.map((i) => i.path).sort() : [];
    expect(paths).toEqual(['alerts.errorRatePct', 'pool.agent', 'pool.bogus', 'pool.minWorkers', 'pool.timeout', 'sampling.intervalMs']);
  });

  it('validates the rejection-rate thresholds like the others, naming each field', () => {
    const bad = validateConfig(mergePatch(defaultConfig(), { alerts: { rejectionRatePct: 101, rejectionRateMinMessages: -1 } }));
    expect(!bad.ok && bad.issues.map((i) => i.path).sort()).toEqual(['alerts.rejectionRateMinMessages', 'alerts.rejectionRatePct']);
    expect(defaultConfig().alerts).toMatchObject({ rejectionRatePct: 5, rejectionRateMinMessages: 20 });
  });

  it('a "__proto__" key in a patch section is refused by name, not silently dropped or inherited', () => {
    // JSON.parse makes "__proto__" an own key; assigning it while merging would set the prototype instead
    const patch = JSON.parse('{"pool":{"__proto__":{"pythonPath":"/usr/bin/evil"}}}');
    const result = validateConfig(mergePatch(defaultConfig(), patch));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['pool.__proto__']);
  });

  it('refuses timer settings past what a Node timer can hold (a longer delay silently fires after 1 ms)', () => {
    const bad = validateConfig(
      mergePatch(defaultConfig(), {
        sampling: { intervalMs: 3_000_000_000, persistIntervalMs: 3_000_000_000 },
        pool: { healthCheckInterval: 3_000_000_000, timeout: 2 ** 31 },
      }),
    );
    expect(!bad.ok && bad.issues.map((i) => i.path).sort()).toEqual([
      'pool.healthCheckInterval',
      'pool.timeout',
      'sampling.intervalMs',
      'sampling.persistIntervalMs',
    ]);
    // sums and products the pool arms as one timer: recycle interval + jitter, the last retry's backoff
    const recycle = validateConfig(mergePatch(defaultConfig(), { pool: { workerRecycleInterval: 2_100_000_000, workerRecycleJitter: 100_000_000 } }));
    expect(!recycle.ok && recycle.issues.map((i) => i.path)).toEqual(['pool.workerRecycleInterval']);
    const retry = validateConfig(mergePatch(defaultConfig(), { pool: { retryDelay: 5_000, maxRetries: 20 } }));
    expect(!retry.ok && retry.issues.map((i) => i.path)).toEqual(['pool.retryDelay']);
    expect(
      validateConfig(mergePatch(defaultConfig(), { pool: { retryDelay: 1_000, maxRetries: 20, workerRecycleInterval: 2_000_000_000 } })).ok,
    ).toBe(true);
    // a field that fails its own check is named once, not again by the combined rule
    const own = validateConfig(mergePatch(defaultConfig(), { pool: { maxRetries: 99, workerRecycleInterval: 3_000_000_000 } }));
    expect(!own.ok && own.issues.map((i) => i.path).sort()).toEqual(['pool.maxRetries', 'pool.workerRecycleInterval']);
  });

  it('reports min > max even when another pool field fails its type check', () => {
    const result = validateConfig(mergePatch(defaultConfig(), { pool: { minWorkers: 9, maxWorkers: 2, restartOnFailure: 'yes' } }));
    const paths = !result.ok ? result.issues.map((i) => i.path) : [];
    expect(paths).toContain('pool.minWorkers');
    expect(paths).toContain('pool.restartOnFailure');
  });

  it('null in a patch clears an optional field and resets a required one to its default', () => {
    const current = { ...defaultConfig(), pool: { ...defaultConfig().pool, pythonPath: '/usr/bin/python3', timeout: 5 } };
    const result = validateConfig(mergePatch(current, { pool: { pythonPath: null, timeout: null } }));
    expect(result.ok && result.config.pool.pythonPath).toBe(undefined);
    expect(result.ok && result.config.pool.timeout).toBe(30_000);
  });
});

describe('diffConfig', () => {
  it('lists changed paths and marks worker-launch settings as restart-required', () => {
    const from = defaultConfig();
    const merged = validateConfig(mergePatch(from, { pool: { maxWorkers: 4, agent: 'other:Agent' }, alerts: { queueFillPct: 50 } }));
    if (!merged.ok) throw new Error('expected valid');
    const diff = diffConfig(from, merged.config);
    expect(diff).toEqual([
      { path: 'pool.maxWorkers', from: 10, to: 4, restartRequired: false },
      { path: 'pool.agent', from: 'echo_agent:EchoAgent', to: 'other:Agent', restartRequired: true },
      { path: 'alerts.queueFillPct', from: 80, to: 50, restartRequired: false },
    ]);
  });
});

describe('config file', () => {
  it('first start writes defaults', async () => {
    const loaded = await loadConfig(dir);
    expect(loaded.created).toBe(true);
    expect(loaded.config).toEqual(defaultConfig());
    expect(JSON.parse(await fs.readFile(configPath(dir), 'utf8'))).toEqual(defaultConfig());
  });

  it('saves atomically: the file is complete JSON and no temp file is left behind', async () => {
    const config = { ...defaultConfig(), pool: { ...defaultConfig().pool, maxWorkers: 7 } };
    await Promise.all([saveConfig(dir, config), saveConfig(dir, config), saveConfig(dir, config)]);
    expect(await fs.readdir(dir)).toEqual(['config.json']);
    expect((await loadConfig(dir)).config.pool.maxWorkers).toBe(7);
  });

  it('keeps a corrupt file aside, uses defaults and says so', async () => {
    await fs.writeFile(configPath(dir), '{"pool": {"maxWorkers": 4,');
    const loaded = await loadConfig(dir, () => Date.UTC(2026, 10, 27, 1, 2, 3));
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.warning?.message).toMatch(/not valid JSON/);
    const files = (await fs.readdir(dir)).sort();
    expect(files).toEqual(['config.json', 'config.json.corrupt-2026-11-27T01-02-03-000Z']);
    expect(await fs.readFile(path.join(dir, files[1] as string), 'utf8')).toBe('{"pool": {"maxWorkers": 4,');
    expect(JSON.parse(await fs.readFile(configPath(dir), 'utf8'))).toEqual(defaultConfig());
  });

  it('keeps a schema-invalid file aside and names the bad fields in the warning', async () => {
    await fs.writeFile(configPath(dir), JSON.stringify({ pool: { maxWorkers: 999 } }));
    const loaded = await loadConfig(dir);
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.warning?.issues?.map((i) => i.path)).toEqual(['pool.maxWorkers']);
    expect((await fs.readdir(dir)).some((f) => f.startsWith('config.json.corrupt-'))).toBe(true);
  });
});

describe('defaultDataDir', () => {
  it('follows each platform convention', () => {
    expect(defaultDataDir('App', {}, 'linux', '/home/u')).toBe('/home/u/.config/App');
    expect(defaultDataDir('App', { XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/App');
    expect(defaultDataDir('App', {}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/App');
    expect(defaultDataDir('App', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\App');
  });
});
