// Handlers for the scale-out methods of the contract (docs/cluster.md).
// Single-machine mode answers getHosts with { enabled: false } and refuses the
// rest with ERR_CLUSTER_DISABLED, naming how to turn a cluster on.
import type { ApiHandlers } from '../../../common/contract';
import { controlHostInputSchema } from '../../../common/host-control';
import { ApiError, issuesFromZod, validationError } from '../api-error';
import type { PlaneCore } from '../core';

type ClusterHandlers = Pick<ApiHandlers, 'getHosts' | 'controlHost' | 'getDeadLetters' | 'requeueDeadLetter'>;

export function clusterHandlers(core: PlaneCore): ClusterHandlers {
  const need = () => {
    if (!core.cluster)
      throw new ApiError('ERR_CLUSTER_DISABLED', 'No cluster configured: start with --cluster nats://… or set cluster.servers in cluster.json');
    return core.cluster;
  };
  return {
    getHosts: async () =>
      core.cluster?.view() ?? { enabled: false, servers: [], pool: '', connected: false, unauthenticatedBroker: false, hosts: [], ackPending: null },
    // The transports parse the contract's union (common/host-control.ts); parsed again here for callers
    // that hold the handlers directly, since this request reaches other machines.
    controlHost: async (input) => {
      const c = need();
      const r = controlHostInputSchema.safeParse(input);
      if (!r.success) throw validationError(issuesFromZod(r.error.issues));
      const { hostId, ...req } = r.data;
      return c.control(hostId, req);
    },
    getDeadLetters: async () => need().deadLetters(),
    requeueDeadLetter: async ({ seq }) => ({ messageId: (await need().requeue(seq)).messageId }),
  };
}
