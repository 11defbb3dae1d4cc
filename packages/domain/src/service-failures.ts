/**
 * The one classifier of failures of the AWS services the exchange depends on (DynamoDB,
 * KMS, SQS), by the error names and metadata the AWS SDK v3 gives them; no AWS import.
 * The store and signing adapters use it to retry what is worth retrying and to turn what
 * still fails into typed domain errors: 429 with Retry-After when the service is busy, 503
 * when it failed. Nothing above the adapters looks at SDK error names.
 */
import { DependencyError, DomainError, RateLimitedError } from './errors.js';

/**
 * - `throttled`: the service refused the rate (throttling, provisioned throughput)
 * - `conflict`: a DynamoDB transaction on the same item was under way (TransactionConflict)
 * - `unavailable`: a server-side failure (5xx, KMS internal error)
 * - `timeout`: no answer in time, or the connection broke; the call may have taken effect
 */
export type ServiceFailure = 'throttled' | 'conflict' | 'unavailable' | 'timeout';

const THROTTLED = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const CONFLICT = new Set(['TransactionConflictException', 'TransactionInProgressException']);
const UNAVAILABLE = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable', 'KMSInternalException', 'DependencyTimeoutException']);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Cancellation reason codes of a TransactionCanceledException that are not about our conditions. */
const REASON: Record<string, ServiceFailure> = {
  TransactionConflict: 'conflict',
  ThrottlingError: 'throttled',
  ProvisionedThroughputExceeded: 'throttled',
};

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  CancellationReasons?: Array<{ Code?: string }>;
}

/** What kind of service failure `error` is, or undefined for anything else (a failed condition, a bug, a bad request). */
export function serviceFailure(error: unknown): ServiceFailure | undefined {
  if (typeof error !== 'object' || error === null || error instanceof DomainError) return undefined;
  const e = error as SdkErrorShape;
  const name = e.name ?? '';
  if (name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
    // a failed condition decides the outcome: the transaction would fail again the same way
    if (codes.length === 0 || codes.some((code) => !(code in REASON))) return undefined;
    return codes.some((code) => REASON[code] === 'throttled') ? 'throttled' : 'conflict';
  }
  if (THROTTLED.has(name) || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true) return 'throttled';
  if (CONFLICT.has(name)) return 'conflict';
  if (TIMEOUT.has(name) || NETWORK_CODES.has(e.code ?? '')) return 'timeout';
  if (UNAVAILABLE.has(name) || (e.$metadata?.httpStatusCode ?? 0) >= 500) return 'unavailable';
  return undefined;
}

/** Seconds a client is asked to wait when a dependency is busy (Retry-After). */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * The domain error a service failure becomes once retrying is over: busy (throttled, or
 * contended) is 429 with Retry-After; failed or timed out is 503. Undefined for errors that
 * are no service failure. The SDK error is kept as `cause`.
 */
export function serviceFailureError(service: string, error: unknown): DomainError | undefined {
  const kind = serviceFailure(error);
  if (!kind) return undefined;
  if (kind === 'throttled' || kind === 'conflict') {
    return new RateLimitedError(
      `${service} is busy${kind === 'conflict' ? ' with other changes of the same item' : ''}; retry shortly`,
      { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS },
      { cause: error },
    );
  }
  return new DependencyError(`${service} ${kind === 'timeout' ? 'did not answer in time' : 'failed'}; retry later`, {}, { cause: error });
}
