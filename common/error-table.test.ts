// The error table is the one list of codes: every code the source names is a row, and each
// door's mapping reads it (status, rejected, host-side, fallback).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, errorCodeOf, httpStatusOf, isHostSide, isRejected } from './error-table';

const root = join(__dirname, '..');
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

// Not codes: the `details.reason` of an ERR_VALIDATION (main/control/python/interpreter-guard.ts, agent-path-guard.ts).
const REASONS = new Set(['ERR_PYTHON_NOT_ALLOWED', 'ERR_PYTHON_NOT_A_FILE', 'ERR_PYTHON_NOT_PYTHON', 'ERR_AGENT_PATH_NOT_ALLOWED']);

describe('the error table', () => {
  it('has a row for every ERR_ code the source names', () => {
    const missing = ['main', 'common', 'preload', 'renderer/src'].flatMap((d) =>
      sources(join(root, d)).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g)]
          .map((m) => m[1]!)
          .filter((c) => !(c in ERROR_TABLE) && !REASONS.has(c))
          .map((c) => `${relative(root, f)}: ${c}`),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('counts only the two queue-full codes as rejected, and hands host-side failures back in a cluster', () => {
    const codes = Object.keys(ERROR_TABLE);
    expect(codes.filter(isRejected).sort()).toEqual(['ERR_QUEUE_FULL', 'ERR_WORKER_QUEUE_FULL']);
    expect(codes.filter(isHostSide).sort()).toEqual([
      'ERR_NOT_CONNECTED',
      'ERR_POOL_CLOSED',
      'ERR_QUEUE_FULL',
      'ERR_START_FAILED',
      'ERR_WORKER_QUEUE_FULL',
    ]);
  });

  it('maps an error without a known code to ERR_INTERNAL, status 500', () => {
    expect(errorCodeOf(new Error('x'))).toBe('ERR_INTERNAL');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ERR_INTERNAL');
    expect(errorCodeOf(null)).toBe('ERR_INTERNAL');
    expect(errorCodeOf({ code: 'ERR_TIMEOUT' })).toBe('ERR_TIMEOUT');
    expect(httpStatusOf('ENOENT')).toBe(500);
  });
});
