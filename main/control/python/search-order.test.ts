// The probe's candidates and the guard's allow-list come from the engine's one search order.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../common/schemas';
import { defaultRuntimeDir, pythonSearchOrder } from '../../pool/index';
import { allowedInterpreters } from './interpreter-guard';
import { findPythonCandidates } from './python-probe';

describe('one interpreter search order', () => {
  const env = { GREENLET_PYTHON: '/from/env/python', PATH: '' };
  const runtimeDir = defaultRuntimeDir(); // its .venv exists in this checkout (the tests run on it)
  const steps = pythonSearchOrder({ pythonPath: '/opt/mine/python', runtimeDir, env, platform: 'linux' });

  it('is configured path, GREENLET_PYTHON, the development venv, then the system command', () => {
    expect(steps.map((s) => s.source)).toEqual(['config', 'env', 'venv', 'system']);
  });

  it("the probe lists the engine's steps as its candidates, in the engine's order", () => {
    const probe = findPythonCandidates('/opt/mine/python', undefined, { platform: 'linux', env }, runtimeDir);
    expect(probe.slice(0, 3).map((c) => c.command)).toEqual(steps.slice(0, 3).map((s) => s.path));
  });

  it("the guard allows every step after the configured one", () => {
    const allowed = allowedInterpreters(defaultConfig(), { dataDir: '/no/such/data', runtimeDir }, [], env);
    for (const s of steps.slice(1, 3)) expect(allowed.has(s.path)).toBe(true);
  });
});
