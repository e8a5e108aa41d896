// The one error type every transport understands. Handlers throw ApiError (or
// an engine error with a `code`); transports turn it into ApiErrorShape and,
// over HTTP, into a status code. Codes and statuses: common/error-table.ts.
import type { ApiErrorShape, ConfigIssue } from '../../common/contract';
import { FALLBACK_ERROR_CODE, httpStatusOf, isErrorCode, type ErrorCode } from '../../common/error-table';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
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

/**
 * An engine ERR_INVALID_OPTION is the caller's bad value that the engine caught first: the API
 * reports it as ERR_VALIDATION naming `<prefix><option>` like any other issue. The one place this
 * mapping is written (config/apply-config.ts's pool patch, the handlers' wrapper); other errors come back as they were.
 */
export function asValidationError(err: unknown, prefix = ''): unknown {
  const e = err as { code?: string; message?: string; details?: { option?: string } } | null | undefined;
  if (e?.code !== 'ERR_INVALID_OPTION') return err;
  return validationError([{ path: `${prefix}${e.details?.option ?? (prefix ? 'options' : 'input')}`, message: e.message ?? 'invalid' }]);
}

/** zod issues → ConfigIssue[] with dotted paths ('pool.minWorkers'). */
export function issuesFromZod(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, prefix = ''): ConfigIssue[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message,
  }));
}

/** Any thrown value → the wire shape; a code the table does not know (a Node `ENOENT`) is ERR_INTERNAL. */
export function toApiErrorShape(err: unknown): ApiErrorShape {
  const e = err as { code?: unknown; message?: string; issues?: ConfigIssue[]; details?: unknown } | null | undefined;
  if (isErrorCode(e?.code)) return { code: e.code, message: e.message ?? e.code, issues: e.issues, details: e.details };
  return { code: FALLBACK_ERROR_CODE, message: err instanceof Error ? err.message : String(err) };
}

export function httpStatusFor(shape: ApiErrorShape): number {
  return httpStatusOf(shape.code);
}
