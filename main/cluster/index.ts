// Public facade of the scale-out layer (plain Node, no electron).
export { ClusterClient, type ClusterOutcome } from './client';
export { ClusterMonitor, type HostView, type AckPendingView } from './monitor';
export { DeadLetters, type DeadLetter } from './dead-letters';
export { HostAgent, type HostAgentOptions } from './host-agent';
export type { HostControlRequest, HostControlReply } from './host-control';
export { connectCluster } from './connect';
export { ClusterError, DEFAULT_CLUSTER, resolveClusterOptions, describeAuth, type ClusterOptions, type ClusterAuth } from './options';
export { names } from './topology';
export type { HostRecord, HostState, ResultRecord } from './wire';
