// Every error code the app answers with, one entry each (Piscina's single errors module): its
// HTTP status, whether it is retryable by default, whether it counts as "rejected" (refused at
// the door for lack of room, not run and failed), whether a cluster host hands the message back
// for another host (hostSide: the host's state, not the message, is at fault), and the shape of
// its message. Every door maps through it: IPC and HTTP (main/control/api-error.ts,
// main/headless/http-util.ts), A2A (main/a2a/executor.ts), NATS control (main/cluster/host-control.ts);
// the outcome counters read `rejected` (load generator, tuning steps, pool traffic) and the
// cluster host reads `hostSide`. Adding a code is one entry here. docs/transports.md, "Errors".
//
// Pure data: no imports, so the engine, the contract and the renderer can all load it.

export interface ErrorSpec {
  status: number; // HTTP status; 0 = never sent by a server (a client-side code)
  retryable: boolean; // the default for the code; an engine error may say otherwise (PoolError.retryable)
  rejected: boolean; // refused for lack of room: counted as rejected, not failed
  hostSide: boolean; // a cluster host naks the message so another host can take it
  message: string; // the message's shape; <...> stands for the values filled in
}

const e = (status: number, message: string, flags: Partial<Pick<ErrorSpec, 'retryable' | 'rejected' | 'hostSide'>> = {}): ErrorSpec => ({
  status,
  retryable: false,
  rejected: false,
  hostSide: false,
  message,
  ...flags,
});

export const ERROR_TABLE = {
  // ---- the engine (main/pool/errors.ts) ----
  ERR_INVALID_OPTION: e(400, 'options.<name> <why>'),
  ERR_QUEUE_FULL: e(503, 'Pool queue is full (<n> messages waiting); message refused', { rejected: true, hostSide: true }),
  // retryable when the worker's own queue refused; the adapter's send queue refusing says false
  ERR_WORKER_QUEUE_FULL: e(503, 'Worker queue is full (max_queue_size <n>); the worker refused the message', {
    retryable: true,
    rejected: true,
    hostSide: true,
  }),
  ERR_QUEUE_TIMEOUT: e(504, 'Message waited <ms> ms in the pool queue (limit <ms> ms)'),
  // retryable for callers who know their work is safe to repeat; the engine never retries it
  ERR_TIMEOUT: e(504, 'Message timed out after <ms> ms (<detail>)', { retryable: true }),
  ERR_AGENT: e(422, "<the agent's exception text>; details.traceback"),
  ERR_CANCELLED: e(409, 'Message was cancelled'),
  // the worker went away under the request: the upstream failed, not the server itself
  ERR_WORKER_CRASHED: e(502, 'Worker process <pid> died before answering (<how>)', { retryable: true }),
  ERR_POISON_MESSAGE: e(422, 'Message killed <n> worker(s) and was not retried again: <last error>'),
  ERR_START_FAILED: e(503, "<the worker's real start-up error>", { hostSide: true }),
  ERR_NOT_CONNECTED: e(503, 'Worker is not connected', { retryable: true, hostSide: true }),
  ERR_POOL_CLOSED: e(503, 'Pool is shut down; message refused', { hostSide: true }),
  ERR_PROTOCOL: e(502, 'Protocol error: <reason>'),
  // ---- the API (handlers, transports) ----
  ERR_VALIDATION: e(400, 'Invalid input — <path>: <problem>; …'),
  ERR_NOT_FOUND: e(404, 'Unknown method "<name>" / No such <thing>'),
  ERR_CONFLICT: e(409, '<what is already in progress>'),
  ERR_CONFIG_NOT_SAVED: e(500, 'Config applied but not saved: <file>: <error>'),
  ERR_INTERNAL: e(500, '<the unexpected error text>'),
  ERR_FORBIDDEN: e(403, 'IPC call refused: <why> / Path outside the served directory'),
  ERR_UNAUTHORIZED: e(401, 'Missing or wrong token: send "Authorization: Bearer <token>"'),
  ERR_METHOD_NOT_ALLOWED: e(405, 'API methods are called with POST'),
  ERR_HOST_NOT_ALLOWED: e(421, 'Host "<given>" is not this server (use <expected>)'),
  ERR_BODY_TOO_LARGE: e(413, 'Request body exceeds <n> bytes'),
  ERR_BODY_TIMEOUT: e(408, 'Request body not received within <ms> ms'),
  ERR_JSON_NUMBER: e(400, 'number <text> at <path> is beyond what a JSON number can carry'),
  ERR_JSON_TOO_DEEP: e(400, 'JSON nested deeper than <n> levels at <path>'),
  ERR_TOO_MANY_STREAMS: e(503, 'Too many event-stream clients (limit <n>)'),
  ERR_NETWORK: e(0, 'Host unreachable: <error>'),
  ERR_EXPERIMENT: e(500, 'Step <n> failed: <error>'),
  // ---- cluster mode ----
  ERR_CLUSTER_DISABLED: e(409, 'single-machine mode: no cluster configured'),
  ERR_CLUSTER_UNAVAILABLE: e(503, '<why the cluster cannot be reached>'),
  ERR_CLUSTER_OPTION: e(400, 'cluster.<field> <why>'),
  ERR_CLUSTER_CLOSED: e(503, 'cluster client is not started'),
  ERR_CLUSTER_INSECURE: e(503, 'NATS at <server> requires no credentials: … pass --insecure-broker to accept it anyway'),
  // ---- the A2A gateway ----
  ERR_A2A_DISABLED: e(404, 'The A2A gateway is turned off (config a2a.enabled)'),
  ERR_A2A_NO_TOKEN: e(500, 'startA2AServer needs a token (option or config a2a.token)'),
  ERR_A2A_NON_LOOPBACK: e(500, 'Refusing to bind the A2A gateway to <host>: set a2a.host'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** What an error without a known code becomes at every door. */
export const FALLBACK_ERROR_CODE = 'ERR_INTERNAL' satisfies ErrorCode;

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);

/** The table's code of an error (`err.code`), or ERR_INTERNAL when it has none the table knows. */
export function errorCodeOf(err: unknown): ErrorCode {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return isErrorCode(code) ? code : FALLBACK_ERROR_CODE;
}

/** HTTP status of a code; an unknown code is an internal error. */
export const httpStatusOf = (code: unknown): number => ERROR_TABLE[isErrorCode(code) ? code : FALLBACK_ERROR_CODE].status;

/** Refused for lack of room (counted as rejected, not failed). */
export const isRejected = (code: unknown): boolean => isErrorCode(code) && ERROR_TABLE[code].rejected;

/** Not the message's fault: a cluster host hands it back for another host. */
export const isHostSide = (code: unknown): boolean => isErrorCode(code) && ERROR_TABLE[code].hostSide;
