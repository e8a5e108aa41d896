// Shapes the adapter exposes: call options, results and its typed events.
import type { PoolError } from '../errors';
import type { RegisterInfo } from './wire';

export type ChannelState = 'idle' | 'starting' | 'ready' | 'stopping' | 'exited';

export interface ProcessOptions {
  timeout?: number; // run deadline for this message, ms (0 = none); default: the adapter's timeout
  signal?: AbortSignal; // abort → ERR_CANCELLED at once and agent.cancel to the worker
}

export interface ProcessResult {
  result: unknown;
  durationMs: number; // host-measured round trip
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  pendingIds: string[]; // agent.process requests that were in flight (each rejected ERR_WORKER_CRASHED)
}

export interface OutputEvent {
  stream: 'stderr';
  line: string;
}

export interface ProtocolErrorEvent {
  reason: string;
  sample: string; // the start of the offending line
}

export interface RetryEvent {
  attempt: number; // 1-based number of the retry about to happen
  delayMs: number;
  error: PoolError; // what failed the previous attempt
}

/** Events of GreenletBridgeAdapter (typed `on`/`emit`). */
export interface AdapterEvents {
  register: [info: RegisterInfo];
  exit: [info: ExitInfo];
  output: [ev: OutputEvent];
  'protocol-error': [ev: ProtocolErrorEvent];
  retry: [ev: RetryEvent];
}
