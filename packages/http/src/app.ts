/**
 * The base every function app is built on: request ids, a body size limit, authentication,
 * JSON bodies parsed with bounds, zod validation that throws into the one error mapping, and
 * problem+json for everything else.
 */
import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { NotFoundError, PayloadTooLargeError, type Log } from '@cx/domain';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { authenticate, type AuthDeps } from './auth.js';
import type { ApiEnv } from './env.js';
import { boundedJsonBody } from './json-body.js';
import { problemResponse, validationError } from './problem.js';
import { requestIds } from './request-ids.js';
import { institutionLog, requestLog } from './request-log.js';

export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Throws a ValidationError (400 naming each field) when a request part fails its schema. */
export const throwOnInvalid: Hook<unknown, ApiEnv, string, unknown> = (result) => {
  if (!result.success) {
    // query, path and body fields are all named by their own path (`limit`, `assessment.type`)
    throw validationError(result.error);
  }
};

export interface ApiAppOptions {
  auth: AuthDeps;
  /** Where the app logs (the request id and institution go on every record); the console when absent. */
  log?: Log;
  /** Routes that take larger bodies (batch imports): their limit in bytes, by request path. */
  largeBodies?: (path: string) => number | undefined;
}

/**
 * Cross-origin access for browser wallets and verifiers (DID documents, status lists,
 * contexts, the issuer registry, the verify routes): any origin, since keys travel in the
 * Authorization header and never in cookies, so a foreign page can do nothing a plain HTTP
 * client could not. The CDK stack gives API Gateway the same policy; it answers preflights in AWS.
 *
 * Request headers: the ones the API reads, the ones stock verifiers send on every document
 * fetch (the DCC document loader sends `Cache-Control: no-cache` and `Pragma: no-cache`, which
 * make even a GET preflighted), and `*` for whatever else a verifier's preflight asks for.
 * The wildcard is valid here because no request carries credentials (cookies); the Fetch
 * standard never lets it cover `authorization`, which is why that one stays named.
 */
export const API_CORS = {
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  allowHeaders: [
    'authorization',
    'content-type',
    'idempotency-key',
    'if-match',
    'if-none-match',
    'if-modified-since',
    'x-request-id',
    'cache-control',
    'pragma',
    'accept',
    '*',
  ],
  exposeHeaders: ['etag', 'location', 'retry-after', 'x-request-id', 'x-correlation-id'],
  maxAge: 3600,
};

export function createApiApp(options: ApiAppOptions): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: throwOnInvalid });
  app.use('*', cors(API_CORS));
  app.use('*', requestIds());
  if (options.log) app.use('*', requestLog(options.log));
  app.use('*', (c, next) => {
    const maxSize = options.largeBodies?.(c.req.path) ?? DEFAULT_BODY_LIMIT;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(`the request body is larger than ${Math.round(maxSize / 1024)} KB`);
      },
    })(c, next);
  });
  app.use('*', authenticate(options.auth));
  app.use('*', institutionLog());
  app.use('*', boundedJsonBody());
  app.onError(problemResponse);
  app.notFound((c) => problemResponse(new NotFoundError(`no route for ${c.req.method} ${c.req.path}`), c));
  return app;
}
