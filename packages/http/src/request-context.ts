/** The request context core's services take, built once from what the middleware checked. */
import type { RequestContext } from '@cx/domain';
import type { Context } from 'hono';
import { principalOf } from './auth.js';
import type { ApiEnv } from './env.js';

/**
 * The caller (from its verified key, never the body), the exchange's request id and the
 * caller's checked correlation id.
 *
 * @example
 * await service.withdraw(kind, id, code, requestContext(c));
 */
export function requestContext(c: Context<ApiEnv>): RequestContext {
  const correlationId = c.get('correlationId');
  return { principal: principalOf(c), requestId: c.get('requestId'), ...(correlationId ? { correlationId } : {}) };
}
