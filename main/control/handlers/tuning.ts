// The tuning assistant's methods (issue 12). The work lives in tuning/;
// this maps the typed API onto the control plane's TuningService.
import type { ApiHandlers } from '../../../common/contract';
import type { PlaneCore } from '../core';
import type { Door } from '../observation/trail';

type TuningHandlers = Pick<ApiHandlers, 'startExperiment' | 'cancelExperiment' | 'listExperiments' | 'exportExperiment'>;

export function tuningHandlers(core: PlaneCore, door: Door): TuningHandlers {
  return {
    startExperiment: async ({ spec }) => {
      const exp = core.tuning.start(spec);
      const vary = spec.vary.map((v) => `${v.setting} ∈ {${v.values.join(', ')}}`).join(' × ');
      core.trail.asked('experiment', door, `Experiment "${exp.name}" started (${vary}, ${exp.steps.length} steps)`, {
        phase: 'start',
        id: exp.id,
        vary: spec.vary,
      });
      return exp;
    },
    cancelExperiment: async ({ id }) => {
      core.trail.asked('experiment', door, `Cancel of experiment ${id} asked for`, { phase: 'stop', id });
      return core.tuning.cancel(id);
    },
    listExperiments: async () => core.tuning.list(),
    exportExperiment: async ({ id, format }) => core.tuning.export(id, format),
  };
}
