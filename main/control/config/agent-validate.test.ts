// validateAgent against REAL Python workers: the example agents, an operator package written to
// a temp folder, and the failure paths (import error, missing module, missing class, bad folder).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateAgent } from './agent-validate';
import { venvPythonPath } from '../python/python-probe';

const root = resolve(__dirname, '..', '..', '..');
const pythonPath = venvPythonPath(join(root, 'python', '.venv'));
const runtimeDir = join(root, 'python');
const tmp = mkdtempSync(join(tmpdir(), 'gcc-agent-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// An operator's own package, outside the app: folder → package → module → class.
const pkgRoot = join(tmp, 'operator-agents');
mkdirSync(join(pkgRoot, 'acme_agents'), { recursive: true });
writeFileSync(join(pkgRoot, 'acme_agents', '__init__.py'), '');
writeFileSync(
  join(pkgRoot, 'acme_agents', 'summarizer.py'),
  [
    'import os',
    'from greenlet_a2a import GreenletA2AAgent',
    '',
    'class Summarizer(GreenletA2AAgent):',
    '    agent_id = "acme-summarizer"',
    '    capabilities = ["summarize", "translate"]',
    '',
    '    def __init__(self, *args, **kwargs):',
    '        super().__init__(*args, **kwargs)',
    '        pid_file = os.environ.get("GCC_TEST_PID_FILE")',
    '        if pid_file:',
    '            with open(pid_file, "w") as f:',
    '                f.write(str(os.getpid()))',
    '',
    '    def process(self, data):',
    '        return data',
    '',
  ].join('\n'),
);

const base = { pythonPath, runtimeDir, pythonPaths: [] as string[] };

describe('validateAgent', () => {
  it('accepts the echo example and reports its agent id and capabilities', async () => {
    const r = await validateAgent({ ...base, agent: 'echo_agent:EchoAgent' });
    expect(r).toEqual({ ok: true, agentId: 'echo', capabilities: ['echo'] });
  });

  it("accepts an operator's package from an extra PYTHONPATH folder", async () => {
    const r = await validateAgent({ ...base, agent: 'acme_agents.summarizer:Summarizer', pythonPaths: [pkgRoot] });
    expect(r).toEqual({ ok: true, agentId: 'acme-summarizer', capabilities: ['summarize', 'translate'] });
  });

  it('applies agentId and capabilities overrides the way the pool would', async () => {
    const r = await validateAgent({ ...base, agent: 'echo_agent:EchoAgent', agentId: 'echo-7', capabilities: ['a', 'b'] });
    expect(r).toEqual({ ok: true, agentId: 'echo-7', capabilities: ['a', 'b'] });
  });

  it('stops the probe worker once it has registered', async () => {
    const pidFile = join(tmp, 'probe.pid');
    const r = await validateAgent({
      ...base,
      agent: 'acme_agents.summarizer:Summarizer',
      pythonPaths: [pkgRoot],
      env: { GCC_TEST_PID_FILE: pidFile },
    });
    expect(r.ok).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('returns the real import error of an agent whose dependency is missing', async () => {
    const r = await validateAgent({ ...base, agent: 'bad_import_agent:BadImportAgent' });
    expect(r.ok).toBe(false);
    expect(r.errorText).toContain("No module named 'greenlet_a2a_missing_dependency'");
    expect(r.errorText).toContain('Traceback');
  });

  it('returns the real error for a module that does not exist', async () => {
    const r = await validateAgent({ ...base, agent: 'acme_missing.agents:Nope', pythonPaths: [pkgRoot] });
    expect(r.ok).toBe(false);
    expect(r.errorText).toContain("No module named 'acme_missing'");
  });

  it('returns the real error for a class the module does not define', async () => {
    const r = await validateAgent({ ...base, agent: 'acme_agents.summarizer:Translator', pythonPaths: [pkgRoot] });
    expect(r.ok).toBe(false);
    expect(r.errorText).toContain('Translator');
  });

  it('refuses an agent folder that does not exist before starting Python', async () => {
    const gone = join(tmp, 'not-there');
    const r = await validateAgent({ ...base, agent: 'acme_agents.summarizer:Summarizer', pythonPaths: [gone] });
    expect(r).toEqual({ ok: false, errorText: `Agent folder not found (PYTHONPATH entry is not a directory): ${gone}` });
  });

  it('refuses a malformed module:Class string', async () => {
    const r = await validateAgent({ ...base, agent: 'echo_agent.EchoAgent' });
    expect(r.ok).toBe(false);
    expect(r.errorText).toContain('package.module:ClassName');
  });

  it('names the interpreter when it does not exist', async () => {
    const missing = join(tmp, 'no-python', 'python3');
    const r = await validateAgent({ ...base, pythonPath: missing, agent: 'echo_agent:EchoAgent' });
    expect(r.ok).toBe(false);
    expect(r.errorText).toContain(missing);
    expect(r.errorText).toMatch(/not found|ENOENT/);
  });
});
