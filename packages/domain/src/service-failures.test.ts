/** The one classifier of AWS service failures, and the domain errors they become. */
import { describe, expect, it } from 'vitest';
import { ConflictError, DependencyError, RateLimitedError } from './errors.js';
import { serviceFailure, serviceFailureError } from './service-failures.js';

const sdkError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });
const cancelled = (...codes: string[]) => sdkError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

describe('serviceFailure', () => {
  it.each([
    ['ThrottlingException', 'throttled'],
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['RequestLimitExceeded', 'throttled'],
    ['TransactionConflictException', 'conflict'],
    ['TransactionInProgressException', 'conflict'],
    ['InternalServerError', 'unavailable'],
    ['KMSInternalException', 'unavailable'],
    ['TimeoutError', 'timeout'],
  ])('classifies %s as %s', (name, kind) => {
    expect(serviceFailure(sdkError(name))).toBe(kind);
  });

  it('classifies by HTTP status when the name is unknown', () => {
    expect(serviceFailure(sdkError('Whatever', { $metadata: { httpStatusCode: 429 } }))).toBe('throttled');
    expect(serviceFailure(sdkError('Whatever', { $metadata: { httpStatusCode: 503 } }))).toBe('unavailable');
    expect(serviceFailure(sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } }))).toBeUndefined();
  });

  it('classifies a broken connection as a timeout (the call may have taken effect)', () => {
    expect(serviceFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('timeout');
  });

  it('treats a transaction cancelled only by other transactions as a conflict, and by throttling as throttled', () => {
    expect(serviceFailure(cancelled('None', 'TransactionConflict'))).toBe('conflict');
    expect(serviceFailure(cancelled('ThrottlingError', 'None'))).toBe('throttled');
  });

  it('leaves a transaction whose condition failed to the caller, even with a conflict beside it', () => {
    expect(serviceFailure(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBeUndefined();
    expect(serviceFailure(cancelled('ValidationError'))).toBeUndefined();
  });

  it('does not look at messages, domain errors or non-errors', () => {
    expect(serviceFailure(new Error('ThrottlingException: rate exceeded'))).toBeUndefined();
    expect(serviceFailure(new ConflictError('x'))).toBeUndefined();
    expect(serviceFailure(undefined)).toBeUndefined();
    expect(serviceFailure('ThrottlingException')).toBeUndefined();
  });
});

describe('serviceFailureError', () => {
  it('makes busy a RateLimitedError with Retry-After and the SDK error as cause', () => {
    const cause = sdkError('ThrottlingException');
    const error = serviceFailureError('DynamoDB', cause);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error!.extensions).toEqual({ retryAfterSeconds: 1 });
    expect(error!.cause).toBe(cause);
  });

  it('makes a contended item a RateLimitedError too', () => {
    expect(serviceFailureError('DynamoDB', cancelled('TransactionConflict'))).toBeInstanceOf(RateLimitedError);
  });

  it('makes failed and timed-out a DependencyError (503)', () => {
    expect(serviceFailureError('KMS', sdkError('KMSInternalException'))).toBeInstanceOf(DependencyError);
    expect(serviceFailureError('KMS', sdkError('TimeoutError'))!.message).toBe('KMS did not answer in time; retry later');
  });

  it('is undefined for anything else', () => {
    expect(serviceFailureError('DynamoDB', sdkError('ConditionalCheckFailedException'))).toBeUndefined();
  });
});
