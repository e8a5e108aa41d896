// Public facade of the scale-out layer (plain Node, no electron).
export { ClusterClient, type ClusterOutcome } from './client';
export { ClusterMonitor } from './monitor';
export { DeadLetters } from './dead-letters';
export { HostAgent, type HostAgentOptions } from './host-agent';
export { brokerIsUnauthenticated, connectCluster } from './connect';
export { ClusterError, DEFAULT_CLUSTER, resolveClusterOptions, describeAuth, type ClusterOptions, type ClusterAuth } from './options';
export { names } from './topology';
export type { ResultRecord } from './wire';
export type * from '../../common/cluster-types';
