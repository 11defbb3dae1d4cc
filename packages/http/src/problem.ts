/**
 * RFC 9457 problem documents, and the one place where errors become HTTP responses.
 * Routes throw domain errors; `toProblem` decides status and shape.
 */
import { DomainError, fieldIssues, PayloadTooLargeError, ValidationError, type DomainErrorCode, type FieldIssue } from '@cx/domain';

export { fieldIssues };
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { logOf } from './request-log.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  /** For validation errors: each failing field and why. */
  errors?: Array<FieldIssue & { pointer: string }>;
  [extension: string]: unknown;
}

const STATUS: Record<DomainErrorCode, { status: ContentfulStatusCode; title: string }> = {
  validation: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  unprocessable: { status: 422, title: 'The request cannot be carried out' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'dependency-failed': { status: 503, title: 'A service the exchange depends on failed' },
};

/** Problem type URIs are relative to the exchange, one per error kind. */
const typeUri = (slug: string) => `/problems/${slug}`;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function validationError(error: ZodError, prefix: string[] = []): ValidationError {
  const issues = fieldIssues(error, prefix);
  const fields = [...new Set(issues.map((i) => i.field))];
  return new ValidationError(`invalid ${fields.length === 1 ? 'field' : 'fields'}: ${fields.join(', ')}`, issues);
}

const pointer = (field: string) =>
  '#/' + (field === '(body)' ? '' : field.split('.').map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/'));

export function toProblem(error: unknown, requestId: string | undefined): Problem {
  if (error instanceof ZodError) error = validationError(error);
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.code];
    const problem: Problem = { type: typeUri(error.code), title, status, detail: error.message, requestId, ...error.extensions };
    if ((error instanceof ValidationError || error instanceof PayloadTooLargeError) && error.issues.length > 0) {
      problem.errors = error.issues.map((issue) => ({ ...issue, pointer: pointer(issue.field) }));
    }
    return problem;
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 415) {
      // thrown by @hono/zod-openapi for a body that is not the JSON the route declares
      const detail = 'the request body must be JSON, sent with Content-Type: application/json';
      return { type: typeUri('unsupported-media-type'), title: 'Unsupported media type', status, detail, requestId };
    }
    const detail = error.message || 'the request could not be processed';
    const slug = status === 400 ? 'malformed-request' : `http-${status}`;
    return { type: typeUri(slug), title: status === 400 ? 'Malformed request' : 'Request failed', status, detail, requestId };
  }
  // throttled or failed AWS services arrive here typed (RateLimitedError, DependencyError):
  // the store and signing adapters classify them (@cx/domain service-failures.ts)
  return {
    type: typeUri('internal'),
    title: 'Internal error',
    status: 500,
    detail: 'the exchange failed to process the request; quote the request id when reporting it',
    requestId,
  };
}

/**
 * `Connection: close` for a 413: the rest of the over-size body was never read, so the server
 * drops the connection after answering; saying so lets a keep-alive client open a new one for
 * its next request instead of sending it into a closed socket ("other side closed").
 */
export function closeAfter(status: number): Record<string, string> {
  return status === 413 ? { connection: 'close' } : {};
}

/** hono `onError`: the single mapping from thrown errors to problem+json responses. */
export function problemResponse(error: unknown, c: Context): Response {
  // any app's context: the API apps' and the docs app's request-id middleware both set it
  const requestId: string | undefined = c.get('requestId');
  const problem = toProblem(error, requestId);
  if (problem.status >= 500) {
    logOf(c).error('request failed with an unexpected error', { requestId, path: c.req.path, error });
  }
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (requestId) headers['x-request-id'] = requestId;
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer realm="consortium-exchange"';
  if (problem.status === 429 && typeof problem.retryAfterSeconds === 'number') headers['retry-after'] = String(problem.retryAfterSeconds);
  Object.assign(headers, closeAfter(problem.status));
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
