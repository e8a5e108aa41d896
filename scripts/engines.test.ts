// The Node version the project states (package.json engines, README) and what its locked
// dependencies accept must agree: every package in package-lock.json that declares engines.node
// accepts the oldest Node the project says it runs on. Else `npm ci` warns EBADENGINE and the
// package may use APIs that Node lacks (it did: @nats-io/* 3.4 pulled @nats-io/nuid 3, Node >= 22).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const readJson = (name: string) => JSON.parse(readFileSync(join(root, name), 'utf8'));

describe('engines', () => {
  const stated = readJson('package.json').engines.node as string;
  const oldest = semver.minVersion(stated)!.version;

  it('every locked package accepts the oldest Node the project states', () => {
    const lock = readJson('package-lock.json') as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, p]) => {
        const want = !p.engines || Array.isArray(p.engines) ? undefined : p.engines.node;
        return want && !semver.satisfies(oldest, want, { includePrerelease: true })
          ? [`${path.replace(/^.*node_modules\//, '')} wants node ${want}`]
          : [];
      });
    expect(refusing, `stated node ${stated}`).toEqual([]);
  });

  it('the README states the same Node version', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`Node.js ≥ ${oldest.replace(/\.0$/, '')}`);
  });
});
