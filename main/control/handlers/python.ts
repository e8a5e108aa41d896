// The three Python-environment methods. The work lives in python/python-env.ts and
// config/agent-validate.ts (the packaging side owns them); this wires them to the
// control plane's data directory, runtime folder and current config.
import path from 'node:path';
import type { ApiHandlers } from '../../../common/contract';
import { validateAgent } from '../config/agent-validate';
import type { PlaneCore } from '../core';
import { checkSelectableAgentPaths } from '../python/agent-path-guard';
import { checkSelectableInterpreter } from '../python/interpreter-guard';
import { appVenvDir, workerPython } from '../config/pool-options';
import { checkPythonEnv, setupPythonEnv } from '../python/python-env';
import { venvPythonPath } from '../python/python-probe';

type PythonHandlers = Pick<ApiHandlers, 'checkPythonEnv' | 'setupPythonEnv' | 'validateAgent'>;

export function pythonHandlers(core: PlaneCore): PythonHandlers {
  const venvDir = appVenvDir(core.ctx.dataDir);
  return {
    checkPythonEnv: async ({ pythonPath }) => {
      // A path from the caller runs only if it is allowed and answers as Python (python/interpreter-guard.ts).
      if (pythonPath !== undefined) await checkSelectableInterpreter(pythonPath, 'pythonPath', core.allowedPythons());
      return checkPythonEnv({ pythonPath: pythonPath ?? core.config.pool.pythonPath, venvDir });
    },

    setupPythonEnv: async () => {
      const runtimeDir = core.ctx.runtimeDir;
      const report = await setupPythonEnv({
        venvDir,
        requirementsFile: runtimeDir ? path.join(runtimeDir, 'requirements.txt') : undefined,
        onProgress: (p) => core.emitter.emit('python.setup', p),
      });
      // The new venv is what workers use from now on (unless the operator chose an interpreter):
      // point the pool at it, and start the pool if it could not start before.
      if (report.ok && !core.config.pool.pythonPath) {
        await core.exclusive(async () => {
          core.pool.updateConfig({ pythonPath: venvPythonPath(venvDir) });
          if (!core.running) await core.startPool();
        });
      }
      return report;
    },

    validateAgent: async ({ agent, pythonPaths }) => {
      // Validating imports the agent from these folders: the same allow-list as pool.pythonPaths.
      checkSelectableAgentPaths(pythonPaths, 'pythonPaths', core.allowedAgentPaths());
      return validateAgent({ agent, pythonPaths, pythonPath: workerPython(core.config, core.ctx), runtimeDir: core.ctx.runtimeDir });
    },
  };
}
