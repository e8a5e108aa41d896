// The API may make the server run only allow-listed interpreters that are regular files
// and answer a probe as Python — and the probe comes before any other use. Stand-ins for
// "any program" are small shell scripts that record each time they are run.
import { promises as fs, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../index';
import { createPlane, SMALL, tempDir } from '../test-support/plane';
import { venvPythonPath } from './python-probe';
import { rejection } from '../../../common/test-support/wait';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const projectPython = venvPythonPath(path.join(REPO, 'python', '.venv'));

let dir: string;
let cp: ControlPlane;
let marker: string;
let evil: string; // not on the allow-list
let liar: string; // on the allow-list (config.json), but not Python

/** A script that appends its arguments to `log` each time it runs, then prints `output`. */
function script(name: string, log: string, output: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho "ran: $*" >> '${log}'\necho '${output}'\n`);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(async () => {
  dir = await tempDir();
  marker = path.join(dir, 'ran.log');
  evil = script('evil.sh', marker, 'cpython');
  liar = script('liar.sh', marker, 'hello from a shell script');
  const data = path.join(dir, 'data');
  await fs.mkdir(data);
  // The allow-list is the administrator's, in config.json.
  await fs.writeFile(path.join(data, 'config.json'), JSON.stringify({ python: { allowedInterpreters: [liar, dir] } }));
  cp = await createPlane(data);
}, 30_000);
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

const ran = () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');

describe.skipIf(process.platform === 'win32')('interpreter guard', () => {
  it('checkPythonEnv refuses a path that is not on the allow-list by name, without running it', async () => {
    const err = await rejection(cp.handlers.checkPythonEnv({ pythonPath: evil }));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues).toEqual([{ path: 'pythonPath', message: expect.stringContaining('not an allowed interpreter') }]);
    expect((err as { details?: unknown }).details).toEqual({ field: 'pythonPath', reason: 'ERR_PYTHON_NOT_ALLOWED' });
    expect(ran()).toBe('');
  });

  it('updateConfig refuses pool.pythonPath off the allow-list, runs nothing and changes nothing', async () => {
    const err = await rejection(cp.handlers.updateConfig({ patch: { pool: { pythonPath: evil } } }));
    expect(err.issues?.[0]?.path).toBe('pool.pythonPath');
    expect(ran()).toBe('');
    expect(cp.getConfig().pool.pythonPath).toBeUndefined();
    expect((await cp.handlers.getStats({})).healthy).toBeGreaterThan(0);
  });

  it('an allowed path that is not a regular file (a directory) is refused before anything runs', async () => {
    const err = await rejection(cp.handlers.checkPythonEnv({ pythonPath: dir }));
    expect(err.issues).toEqual([{ path: 'pythonPath', message: `${dir} is not an existing regular file` }]);
    expect((err as { details?: unknown }).details).toMatchObject({ reason: 'ERR_PYTHON_NOT_A_FILE' });
  });

  it('an allowed program that does not answer as Python is refused after the probe only — never used', async () => {
    const err = await rejection(cp.handlers.updateConfig({ patch: { pool: { pythonPath: liar } } }));
    expect(err.issues?.[0]).toMatchObject({ path: 'pool.pythonPath', message: expect.stringContaining('did not answer as a Python interpreter') });
    // exactly one run, and it was the probe: no worker launch (-u -m greenlet_a2a ...), no validation
    expect(ran().trim().split('\n')).toEqual(['ran: -c import sys; print(sys.implementation.name)']);
    expect(cp.getConfig().pool.pythonPath).toBeUndefined();
  });

  it('the default interpreters (the project venv) stay selectable and are checked for real', async () => {
    const r = await cp.handlers.checkPythonEnv({ pythonPath: projectPython });
    expect(r.ok).toBe(true);
    expect(r.geventVersion).toMatch(/^\d+\./);
  });

  it('the allow-list itself cannot be changed through the API', async () => {
    const err = await rejection(cp.handlers.updateConfig({ patch: { python: { allowedInterpreters: [evil] } } as never }));
    expect(err.issues?.[0]?.path).toBe('python');
    expect(cp.getConfig().python.allowedInterpreters).toEqual([liar, dir]);
    await expect(cp.handlers.checkPythonEnv({ pythonPath: evil })).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
  });
});

describe.skipIf(process.platform === 'win32')('a configured interpreter at start', () => {
  it('is probed before the pool runs it: a non-Python program in config.json is a start error naming pool.pythonPath', async () => {
    const own = await tempDir();
    try {
      const log = path.join(own, 'ran.log');
      const fake = path.join(own, 'fake-python');
      writeFileSync(fake, `#!/bin/sh\necho "ran: $*" >> '${log}'\necho nope\n`);
      chmodSync(fake, 0o755);
      const plane = await createPlane(path.join(own, 'data'), { ...SMALL, pool: { ...SMALL.pool, pythonPath: fake, restartOnFailure: false } });
      try {
        const err = await rejection(plane.handlers.submitTask({ data: 1 }));
        expect(err.code).toBe('ERR_START_FAILED');
        expect(err.message).toMatch(/pool\.pythonPath: .*fake-python did not answer as a Python interpreter/);
        expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['ran: -c import sys; print(sys.implementation.name)']);
      } finally {
        await plane.stop();
      }
    } finally {
      await fs.rm(own, { recursive: true, force: true });
    }
  }, 30_000);
});
