// Validating an operator's agent (`module:Class` + extra PYTHONPATH folders) before it is applied:
// one throw-away worker is started exactly as the pool would start it, and its agent.register or
// agent.fatal decides. It reuses the engine's GreenletBridgeAdapter (same spawn, same handshake,
// same start-failure text) instead of a second spawner, and it never touches the running pool.
import { statSync } from 'node:fs';
import type { AgentValidation } from '../../../common/contract';
import { AGENT_PATTERN } from '../../../common/pool-options-table';
import { ADAPTER_DEFAULTS, GreenletBridgeAdapter } from '../../pool/index';

export interface ValidateAgentOptions {
  agent: string; // 'package.module:ClassName'
  pythonPaths?: string[]; // extra PYTHONPATH folders holding the operator's package
  pythonPath?: string; // interpreter; else resolved like the pool's workers
  runtimeDir?: string; // folder with greenlet_a2a/ (resources/python when packaged)
  agentId?: string;
  capabilities?: string[];
  timeoutMs?: number; // how long the worker may take to register; default ADAPTER_DEFAULTS.startTimeout (20 s), as the pool's workers
  env?: Record<string, string>;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Text of a start failure: the adapter's message plus the Python traceback when it sent one. */
function failureText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const details = (err as { details?: { traceback?: unknown } }).details;
  const tb = typeof details?.traceback === 'string' ? details.traceback.trim() : '';
  return tb && !err.message.includes(tb) ? `${err.message}\n\n${tb}` : err.message;
}

export async function validateAgent(opts: ValidateAgentOptions): Promise<AgentValidation> {
  if (!AGENT_PATTERN.re.test(opts.agent ?? '')) {
    return { ok: false, errorText: `Agent ${AGENT_PATTERN.says} (got ${JSON.stringify(opts.agent)}).` };
  }
  // Python silently skips a PYTHONPATH entry that does not exist and then reports only
  // "No module named ...", which hides the real mistake: say it here.
  const missing = (opts.pythonPaths ?? []).filter((p) => !isDirectory(p));
  if (missing.length) {
    return { ok: false, errorText: `Agent folder not found (PYTHONPATH entry is not a directory): ${missing.join(', ')}` };
  }
  let adapter: GreenletBridgeAdapter | undefined;
  try {
    adapter = new GreenletBridgeAdapter({
      agent: opts.agent,
      pythonPath: opts.pythonPath,
      runtimeDir: opts.runtimeDir,
      pythonPaths: opts.pythonPaths ?? [],
      agentId: opts.agentId,
      capabilities: opts.capabilities,
      env: opts.env,
      startTimeout: opts.timeoutMs ?? ADAPTER_DEFAULTS.startTimeout,
      concurrency: 1,
      drainTimeout: 2_000,
      killGrace: 1_000,
    });
    const info = await adapter.connect();
    return { ok: true, agentId: info.agentId, capabilities: info.capabilities };
  } catch (err) {
    return { ok: false, errorText: failureText(err) };
  } finally {
    // Always stop the probe worker (after a fatal it is already exiting with code 3).
    await adapter?.disconnect().catch(() => undefined);
  }
}
