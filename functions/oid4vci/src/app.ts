/**
 * OpenID for Verifiable Credential Issuance 1.0 (pre-authorized code): each member institution
 * a credential issuer `{publicUrl}/institutions/{id}`, with its metadata at the well-known
 * paths, and the token, nonce and credential endpoints a wallet calls with the code of a claim
 * page's credential offer. Every route is public: the code, then the access token, is the
 * capability, so no API key is read (a wallet's `Authorization: Bearer` is its access token).
 */
import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { oid4vciRoutes as routes } from '@cx/contract';
import { credentialServices, OAuthError, type CredentialServices, type OAuthErrorCode } from '@cx/core';
import { NotFoundError, PayloadTooLargeError } from '@cx/domain';
import {
  API_CORS,
  boundedJsonBody,
  problemResponse,
  requestContext,
  requestIds,
  requestLog,
  throwOnInvalid,
  toProblem,
  validationError,
  type ApiEnv,
} from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';

/** A token request is a few hundred bytes, a credential request one proof JWT (at most 8 KB). */
const BODY_LIMIT = 64 * 1024;

/** The endpoints that answer OAuth errors, and the code of a request they cannot read. */
const MALFORMED_REQUEST: Array<[RegExp, OAuthErrorCode]> = [
  [/^\/institutions\/[^/]+\/oid4vci\/token$/, 'invalid_request'],
  [/^\/institutions\/[^/]+\/oid4vci\/nonce$/, 'invalid_request'],
  [/^\/institutions\/[^/]+\/oid4vci\/credential$/, 'invalid_credential_request'],
];

/** A request part that fails its schema is the endpoint's OAuth error, naming the fields. */
function oauthOnInvalid<T, R>(code: OAuthErrorCode): Hook<T, ApiEnv, string, R | undefined> {
  return (result) => {
    if (!result.success) throw new OAuthError(code, validationError(result.error).message);
    return undefined;
  };
}

/** An OAuth error response (RFC 6749 §5.2, RFC 6750 §3): never cached, with the request id as every response has. */
function oauthResponse(error: OAuthError, c: Context<ApiEnv>): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  const requestId = c.get('requestId');
  if (requestId) headers['x-request-id'] = requestId;
  const challenge = error.challenge();
  if (challenge) headers['www-authenticate'] = challenge;
  return new Response(JSON.stringify(error.body()), { status: error.status, headers });
}

/**
 * Errors as wallets read them at the OAuth endpoints: an OAuthError as it is, and a request the
 * endpoint could not read (not JSON or a form, malformed) as its `invalid_request` or
 * `invalid_credential_request`; everything else, and every error of the metadata routes, as a
 * problem document.
 */
function onError(error: unknown, c: Context<ApiEnv>): Response {
  if (error instanceof OAuthError) return oauthResponse(error, c);
  const code = MALFORMED_REQUEST.find(([path]) => path.test(c.req.path))?.[1];
  const problem = toProblem(error, c.get('requestId'));
  if (code && (problem.status === 400 || problem.status === 415)) return oauthResponse(new OAuthError(code, problem.detail, { cause: error }), c);
  return problemResponse(error, c);
}

/** Metadata of a member, cacheable for a while (it changes when the member's name does); 404 for anyone else. */
function published<T>(c: Context<ApiEnv>, institution: string, metadata: T | undefined): T {
  if (!metadata) throw new NotFoundError(`${institution} is not a member institution issuing credentials`);
  c.header('cache-control', 'public, max-age=300');
  return metadata;
}

/**
 * The oid4vci function's app, as the topology routes to it.
 *
 * @example
 * const app = createOid4vciApp(deps, { services: credentialServices(deps) });
 * const metadata = await app.request('/.well-known/openid-credential-issuer/institutions/uni-leiden');
 */
export function createOid4vciApp(deps: ExchangeDeps, options: { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps);
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: throwOnInvalid });
  app.use('*', cors(API_CORS));
  app.use('*', requestIds());
  if (deps.log) app.use('*', requestLog(deps.log));
  app.use(
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT,
      onError: () => {
        throw new PayloadTooLargeError(`the request body is larger than ${BODY_LIMIT / 1024} KB`);
      },
    }),
  );
  app.use('*', async (c, next) => {
    // the wallet is no API key holder; its copy's audit entry names the request
    c.set('principal', { kind: 'anonymous' });
    await next();
  });
  app.use('*', boundedJsonBody());
  app.onError(onError);
  app.notFound((c) => problemResponse(new NotFoundError(`no route for ${c.req.method} ${c.req.path}`), c));

  app.openapi(routes.issuerMetadata, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(published(c, id, await services.oid4vci.issuerMetadata(id)), 200);
  });

  app.openapi(routes.authorizationServerMetadata, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(published(c, id, await services.oid4vci.authorizationServerMetadata(id)), 200);
  });

  app.openapi(
    routes.token,
    async (c) => {
      const { id } = c.req.valid('param');
      const answer = await services.oid4vci.token(id, c.req.valid('form'));
      c.header('cache-control', 'no-store');
      return c.json(answer, 200);
    },
    oauthOnInvalid('invalid_request'),
  );

  app.openapi(
    routes.nonce,
    async (c) => {
      const { id } = c.req.valid('param');
      c.header('cache-control', 'no-store');
      return c.json(await services.oid4vci.nonce(id), 200);
    },
    oauthOnInvalid('invalid_request'),
  );

  app.openapi(
    routes.credential,
    async (c) => {
      const { id } = c.req.valid('param');
      const answer = await services.oid4vci.credential(id, c.req.header('authorization'), c.req.valid('json'), requestContext(c));
      c.header('cache-control', 'no-store');
      return c.json(answer, 200);
    },
    oauthOnInvalid('invalid_credential_request'),
  );

  return app;
}
