// `npm start` decides between Electron and headless mode; the decision and
// its one-line reason are what the operator sees.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain .mjs script without type declarations
import { electronUnavailable } from './start.mjs';

const root = resolve(import.meta.dirname, '..');
const binaryInstalled = existsSync(join(root, 'node_modules', 'electron', 'path.txt'));

describe('electronUnavailable', () => {
  it.runIf(!binaryInstalled)('says the Electron binary is missing when its download was skipped', () => {
    expect(electronUnavailable({ DISPLAY: ':0' }, 'linux')).toEqual({
      reason: 'Electron binary not installed (node_modules/electron/dist missing)',
    });
  });

  it.runIf(binaryInstalled)('needs a display on Linux and nothing more elsewhere', () => {
    expect(electronUnavailable({}, 'linux').reason).toMatch(/no display/);
    expect(electronUnavailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux').reason).toBeNull();
    expect(electronUnavailable({}, 'darwin').reason).toBeNull();
  });
});
