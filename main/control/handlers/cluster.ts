// Handlers for the scale-out methods of the contract (docs/cluster.md).
// Single-machine mode answers getHosts with { enabled: false } and refuses the
// rest with ERR_CLUSTER_DISABLED, naming how to turn a cluster on.
import type { ApiHandlers } from '../../../common/contract';
import { ApiError } from '../api-error';
import type { PlaneCore } from '../core';

type ClusterHandlers = Pick<ApiHandlers, 'getHosts' | 'controlHost' | 'getDeadLetters' | 'requeueDeadLetter'>;

export function clusterHandlers(core: PlaneCore): ClusterHandlers {
  const need = () => {
    if (!core.cluster) throw new ApiError('ERR_CLUSTER_DISABLED', 'No cluster configured: start with --cluster nats://… or set cluster.servers in cluster.json');
    return core.cluster;
  };
  return {
    getHosts: async () => core.cluster?.view() ?? { enabled: false, servers: [], pool: '', connected: false, hosts: [], ackPending: null },
    controlHost: async ({ hostId, op, workerId, minWorkers, maxWorkers, patch }) => {
      const c = need();
      if (op === 'config') {
        if (!patch) throw new ApiError('ERR_VALIDATION', 'Invalid input — patch: required for config', [{ path: 'patch', message: 'required for config' }]);
        return c.control(hostId, { op, patch });
      }
      if (op === 'recycleWorker') {
        if (!workerId) throw new ApiError('ERR_VALIDATION', 'Invalid input — workerId: required for recycleWorker', [{ path: 'workerId', message: 'required for recycleWorker' }]);
        return c.control(hostId, { op, workerId });
      }
      if (op === 'scale') {
        if (minWorkers === undefined || maxWorkers === undefined) {
          throw new ApiError('ERR_VALIDATION', 'Invalid input — minWorkers, maxWorkers: required for scale', [{ path: 'minWorkers', message: 'required for scale' }]);
        }
        return c.control(hostId, { op, minWorkers, maxWorkers });
      }
      return c.control(hostId, { op });
    },
    getDeadLetters: async () => need().deadLetters(),
    requeueDeadLetter: async ({ seq }) => ({ messageId: (await need().requeue(seq)).messageId }),
  };
}
