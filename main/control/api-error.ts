// The one error type every transport understands. Handlers throw ApiError (or
// an engine error with a `code`); transports turn it into ApiErrorShape and,
// over HTTP, into a status code.
import type { ApiErrorShape, ConfigIssue } from '../../common/contract';

const STATUS: Record<string, number> = {
  ERR_VALIDATION: 400,
  ERR_NOT_FOUND: 404,
  ERR_QUEUE_FULL: 503,
  ERR_WORKER_QUEUE_FULL: 503,
  ERR_POOL_CLOSED: 503,
  ERR_START_FAILED: 503,
  ERR_TIMEOUT: 504,
  ERR_QUEUE_TIMEOUT: 504,
  ERR_AGENT: 422,
  ERR_POISON_MESSAGE: 422,
  ERR_CANCELLED: 409,
  ERR_CONFLICT: 409,
  // the worker went away under the request: the upstream failed, not the server itself
  ERR_NOT_CONNECTED: 503,
  ERR_WORKER_CRASHED: 502,
  ERR_PROTOCOL: 502,
  ERR_CLUSTER_DISABLED: 409, // single-machine mode: no cluster configured
  ERR_CLUSTER_UNAVAILABLE: 503,
};

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: ConfigIssue[],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function validationError(issues: ConfigIssue[]): ApiError {
  const fields = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError('ERR_VALIDATION', `Invalid input — ${fields}`, issues);
}

/** zod issues → ConfigIssue[] with dotted paths ('pool.minWorkers'). */
export function issuesFromZod(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, prefix = ''): ConfigIssue[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message,
  }));
}

export function toApiErrorShape(err: unknown): ApiErrorShape {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const e = err as { code: string; message?: string; issues?: ConfigIssue[]; details?: unknown };
    return { code: e.code, message: e.message ?? e.code, issues: e.issues, details: e.details };
  }
  return { code: 'ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export function httpStatusFor(shape: ApiErrorShape): number {
  return STATUS[shape.code] ?? 500;
}
