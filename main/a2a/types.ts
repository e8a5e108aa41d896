// What the A2A gateway needs from its host, as structural types: the gateway
// runs against the desktop/headless ControlPlane or, in tests and the bench,
// against a bare pool. Nothing here imports the engine's implementation.
import type { A2AConfig } from '../../common/schemas';
import type { AppInfo } from '../../common/contract';
import type { ExecuteOptions, ProcessMessage, TaskOutcome } from '../pool/index';

/** The agent as its workers announced it in `agent.register`. */
export interface AgentInfo {
  agentId: string;
  capabilities: string[];
}

/** The slice of GreenletProcessPool the gateway drives. */
export interface A2APool {
  executeWithInfo(message: ProcessMessage, opts?: ExecuteOptions): Promise<TaskOutcome>;
  getAgentInfo?(): AgentInfo | undefined;
}

/** One A2A request as the control center's metrics and event log see it. */
export interface ExternalTaskRecord {
  source: 'a2a';
  ok: boolean;
  latencyMs: number;
  workerId?: string;
  message?: string;
}

/** The slice of ControlPlane the gateway uses (main/control/control-plane.ts). */
export interface A2AControlPlane {
  getPool(): A2APool;
  getConfig(): { a2a: A2AConfig; pool: { agent: string; agentId?: string; capabilities?: string[] } };
  setAppInfo?(info: Pick<AppInfo, 'a2aUrl' | 'agentCardUrl'>): void;
  recordExternalTask?(rec: ExternalTaskRecord): void;
}

/** Bare dependencies, for running the gateway without a control plane. */
export interface A2ADeps {
  pool: A2APool | (() => A2APool);
  getAgentInfo?: () => AgentInfo | undefined;
  config?: Partial<A2AConfig>;
  record?: (rec: ExternalTaskRecord) => void;
}

export type A2AHost = A2AControlPlane | A2ADeps;

/** The host reduced to what the executor and card builder call per request. */
export interface ResolvedHost {
  pool(): A2APool;
  agentInfo(): AgentInfo;
  config(): A2AConfig;
  record(rec: ExternalTaskRecord): void;
}
