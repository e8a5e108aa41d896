// HTTP status per error code: callers retry on 5xx from a lost worker, never on a 4xx.
import { describe, expect, it } from 'vitest';
import { errors } from '../pool/index';
import { ApiError, asValidationError, httpStatusFor, toApiErrorShape } from './api-error';

describe('api errors', () => {
  it.each([
    [errors.queueFull(10), 503],
    [errors.workerCrashed({ pid: 1, code: null, signal: 'SIGKILL' }), 502],
    [errors.notConnected('gone'), 503],
    [errors.timeout(5), 504],
    [errors.agent('boom'), 422],
    [new ApiError('ERR_VALIDATION', 'bad'), 400],
  ])('%s maps to its status', (err, status) => {
    expect(httpStatusFor(toApiErrorShape(err))).toBe(status);
  });

  it('an error without a code is an internal error, with its message kept', () => {
    const shape = toApiErrorShape(new Error('disk on fire'));
    expect(shape).toEqual({ code: 'ERR_INTERNAL', message: 'disk on fire' });
    expect(httpStatusFor(shape)).toBe(500);
  });

  it('a code the error table does not know (a Node ENOENT) is an internal error too', () => {
    expect(toApiErrorShape(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toEqual({ code: 'ERR_INTERNAL', message: 'no such file' });
  });

  it("an engine option error is the caller's mistake (400), not the server's (500)", () => {
    expect(httpStatusFor(toApiErrorShape(errors.invalidOption('minWorkers', 'must be >= 1')))).toBe(400);
  });

  it('maps an engine option error to ERR_VALIDATION naming the field, and leaves other errors as they are', () => {
    const mapped = toApiErrorShape(asValidationError(errors.invalidOption('minWorkers', 'must be >= 1'), 'pool.'));
    expect(mapped.code).toBe('ERR_VALIDATION');
    expect(mapped.issues).toEqual([{ path: 'pool.minWorkers', message: 'options.minWorkers must be >= 1' }]);
    const other = errors.timeout(5);
    expect(asValidationError(other)).toBe(other);
  });

  it('engine errors take their default retryable from the table', () => {
    expect(
      [errors.timeout(5), errors.workerCrashed(), errors.notConnected(), errors.agent('x'), errors.queueFull(1)].map((e) => e.retryable),
    ).toEqual([true, true, true, false, false]);
  });
});
