// Interpreter resolution order and the worker's launch environment.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRuntimeDir, resolvePython, workerArgs, workerEnv } from './python-runtime';

const saved = process.env.GREENLET_PYTHON;
afterEach(() => {
  if (saved === undefined) delete process.env.GREENLET_PYTHON;
  else process.env.GREENLET_PYTHON = saved;
});

describe('python runtime', () => {
  it('defaultRuntimeDir finds the repo python/ folder with the greenlet_a2a package', () => {
    const dir = defaultRuntimeDir();
    expect(existsSync(join(dir, 'greenlet_a2a', 'worker.py'))).toBe(true);
  });

  it('resolves option, then GREENLET_PYTHON, then the project venv, then the system python', () => {
    process.env.GREENLET_PYTHON = '/from/env/python';
    expect(resolvePython('/explicit/python')).toEqual({ path: '/explicit/python', source: 'config' });
    expect(resolvePython()).toEqual({ path: '/from/env/python', source: 'env' });
    delete process.env.GREENLET_PYTHON;
    const venv = resolvePython(undefined, defaultRuntimeDir());
    expect(venv.source).toBe('venv');
    expect(existsSync(venv.path)).toBe(true);
    expect(resolvePython(undefined, '/no/such/runtime')).toEqual({ path: process.platform === 'win32' ? 'python' : 'python3', source: 'system' });
  });

  it('PYTHONPATH holds the runtime, its examples and the extra paths, in that order', () => {
    const env = workerEnv('/rt', ['/extra/a', '/extra/b'], { FOO: 'bar', PYTHONPATH: '/inherited' });
    expect(env.PYTHONPATH!.split(delimiter)).toEqual(['/rt', join('/rt', 'examples'), '/extra/a', '/extra/b', '/inherited']);
    expect(env.PYTHONUNBUFFERED).toBe('1');
    expect(env.FOO).toBe('bar');
  });

  it("keeps this process's secrets out of a worker's environment: GCC_NATS_* and the control plane token", () => {
    const base = { PATH: '/bin', GCC_NATS_USER: 'u', GCC_NATS_PASS: 'p', GCC_NATS_NKEY_SEED: 'SU…', GREENLET_CC_TOKEN: 't0ken-123', HOME: '/h' };
    const env = workerEnv('/rt', [], { GCC_NATS_TOKEN: 'via-extra' }, base);
    expect(Object.keys(env).filter((k) => k.startsWith('GCC_NATS_') || k === 'GREENLET_CC_TOKEN')).toEqual([]);
    expect(env).toMatchObject({ PATH: '/bin', HOME: '/h' });
  });

  it('launches the worker module unbuffered with the JSON config', () => {
    const args = workerArgs({ agent: 'echo_agent:EchoAgent', max_queue_size: 5, concurrency: 2 });
    expect(args.slice(0, 4)).toEqual(['-u', '-m', 'greenlet_a2a.worker', '--config']);
    expect(JSON.parse(args[4]!)).toEqual({ agent: 'echo_agent:EchoAgent', max_queue_size: 5, concurrency: 2 });
  });
});
