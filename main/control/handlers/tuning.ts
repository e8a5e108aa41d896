// The tuning assistant's methods (issue 12). The work lives in tuning/;
// this maps the typed API onto the control plane's TuningService.
import type { ApiHandlers } from '../../../common/contract';
import type { PlaneCore } from '../core';

type TuningHandlers = Pick<ApiHandlers, 'startExperiment' | 'cancelExperiment' | 'listExperiments' | 'exportExperiment'>;

export function tuningHandlers(core: PlaneCore): TuningHandlers {
  return {
    startExperiment: async ({ spec }) => core.tuning.start(spec),
    cancelExperiment: async ({ id }) => core.tuning.cancel(id),
    listExperiments: async () => core.tuning.list(),
    exportExperiment: async ({ id, format }) => core.tuning.export(id, format),
  };
}
