// Agent folders chosen over the API follow the interpreter rule: only folders an administrator
// listed (python.allowedAgentPaths in config.json, or GREENLET_CC_ALLOWED_AGENT_PATHS) reach the
// workers' PYTHONPATH — and nothing is imported from a refused one. The stand-in for "any code" is
// an agent module that writes a marker file when imported.
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../index';
import { createPlane, tempDir } from '../test-support/plane';
import { rejection } from '../../../common/test-support/wait';

let dir: string;
let cp: ControlPlane;
let marker: string;
let evilDir: string; // not listed
let okDir: string; // listed in config.json

async function agentFolder(name: string, module: string, cls: string): Promise<string> {
  const folder = path.join(dir, name);
  await fs.mkdir(folder);
  const body = [
    `open(${JSON.stringify(marker)}, "a").write("imported ${module}\\n")`,
    'from greenlet_a2a import GreenletA2AAgent',
    `class ${cls}(GreenletA2AAgent):`,
    '    def process(self, data):',
    '        return data',
    '',
  ].join('\n');
  await fs.writeFile(path.join(folder, `${module}.py`), body);
  return folder;
}

beforeAll(async () => {
  dir = await tempDir();
  marker = path.join(dir, 'imported.log');
  evilDir = await agentFolder('evil', 'evil_agent', 'EvilAgent');
  okDir = await agentFolder('ok', 'ok_agent', 'OkAgent');
  const data = path.join(dir, 'data');
  await fs.mkdir(data);
  await fs.writeFile(path.join(data, 'config.json'), JSON.stringify({ python: { allowedAgentPaths: [okDir] } }));
  cp = await createPlane(data);
}, 30_000);
afterAll(async () => {
  await cp?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

const imported = async () => (existsSync(marker) ? fs.readFile(marker, 'utf8') : '');

describe('agent folder guard', () => {
  it('updateConfig refuses pool.pythonPaths off the allow-list by field, imports nothing, changes nothing', async () => {
    const err = await rejection(cp.handlers.updateConfig({ patch: { pool: { agent: 'evil_agent:EvilAgent', pythonPaths: [evilDir] } } }));
    expect(err.code).toBe('ERR_VALIDATION');
    expect(err.issues).toEqual([{ path: 'pool.pythonPaths', message: expect.stringContaining(`${evilDir} is not an allowed agent folder`) }]);
    expect(await imported()).toBe('');
    expect(cp.getConfig().pool.pythonPaths).toEqual([]);
  });

  it('validateAgent refuses a folder off the allow-list before importing anything from it', async () => {
    const err = await rejection(cp.handlers.validateAgent({ agent: 'evil_agent:EvilAgent', pythonPaths: [evilDir] }));
    expect(err.issues?.[0]?.path).toBe('pythonPaths');
    expect(await imported()).toBe('');
  });

  it('a folder the administrator listed is accepted', async () => {
    const r = await cp.handlers.validateAgent({ agent: 'ok_agent:OkAgent', pythonPaths: [okDir] });
    expect(r.ok).toBe(true);
    const u = await cp.handlers.updateConfig({ patch: { pool: { agent: 'ok_agent:OkAgent', pythonPaths: [okDir] } } });
    expect(u.config.pool.pythonPaths).toEqual([okDir]);
  });

  it('the allow-list itself cannot be changed over the API', async () => {
    const err = await rejection(cp.handlers.updateConfig({ patch: { python: { allowedAgentPaths: [evilDir] } } as never }));
    expect(err.issues?.[0]?.path).toBe('python');
    expect(cp.getConfig().python.allowedAgentPaths).toEqual([okDir]);
  });
});
