/**
 * Request ids: the exchange's own id for every request (API Gateway's in Lambda, so a
 * response finds its access-log line; a fresh UUID elsewhere), never one a client chose,
 * since audit records and logs are keyed by it. A client's `x-request-id` is kept beside
 * it as a correlation id when it is short and plain, and handed back as `x-correlation-id`.
 */
import type { Context, MiddlewareHandler } from 'hono';

/** What the middleware puts in the context. */
export interface RequestIdVariables {
  /** The exchange's id for this request: in audit records, logs and problem documents. */
  requestId: string;
  /** The caller's own id for the request, from its `x-request-id` header, when it passed the check. */
  correlationId?: string;
}

export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** Ids that are safe in a header, a log line and an audit record: 1-128 of `A-Z a-z 0-9 . _ : -`. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it may be kept; anything longer or with other characters is dropped. */
export function correlationIdOf(header: string | undefined): string | undefined {
  return header !== undefined && CORRELATION_ID.test(header) ? header : undefined;
}

/** API Gateway's request id when running in Lambda (hono's Lambda adapter puts the event's context in `env`). */
function ownRequestId(c: Context): string {
  return (c.env as { requestContext?: { requestId?: string } } | undefined)?.requestContext?.requestId ?? crypto.randomUUID();
}

/**
 * Sets `requestId` (and `correlationId`) for the request and answers with `x-request-id`
 * (and `x-correlation-id`).
 *
 * @example
 * app.use('*', requestIds());
 * app.get('/', (c) => c.text(c.get('requestId')));
 */
export function requestIds(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const requestId = ownRequestId(c);
    const correlationId = correlationIdOf(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    if (correlationId) c.set('correlationId', correlationId);
    c.header('x-request-id', requestId);
    if (correlationId) c.header(CORRELATION_ID_HEADER, correlationId);
    await next();
  };
}
