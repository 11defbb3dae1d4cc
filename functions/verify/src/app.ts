/**
 * Verification for anyone: the exchange's verify route, the VC API's verify endpoints for
 * credentials and presentations, the institutions' status lists, and the exchange's JSON-LD
 * contexts. No key needed.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { verifyRoutes as routes } from '@cx/contract';
import { credentialServices, type CredentialServices } from '@cx/core';
import { assertCredentialBudget, boundedPresentation, EU_MICROCREDENTIAL_CONTEXT_V1, RECOGNITION_CONTEXT_V1 } from '@cx/credentials';
import { NotFoundError, ValidationError } from '@cx/domain';
import { createApiApp, type ApiEnv } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';

/**
 * Anything that is not a JSON object is not a credential, and one beyond the credential budget
 * costs too much to check: 400 or 413 naming the field, before any check runs.
 */
function credentialObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ValidationError.field('verifiableCredential', value === undefined ? 'is required' : 'must be a credential (a JSON object)');
  }
  assertCredentialBudget(value, ['verifiableCredential']);
  return value as Record<string, unknown>;
}

export function createVerifyApp(deps: ExchangeDeps, options: { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps);
  const app = createApiApp({ auth: { store: deps.store, adminTokenHash: deps.adminTokenHash }, log: deps.log });

  app.openapi(
    routes.verify,
    async (c) => {
      const vc = credentialObject(c.req.valid('json').verifiableCredential);
      return c.json(await services.verifier.verify(vc), 200);
    },
  );

  app.openapi(
    routes.vcApiVerify,
    async (c) => {
      const vc = credentialObject(c.req.valid('json').verifiableCredential);
      const result = await services.verifier.verify(vc, { membership: 'reported' });
      return c.json(result, result.verified ? 200 : 400);
    },
  );

  app.openapi(
    routes.vcApiVerifyPresentation,
    async (c) => {
      const body = c.req.valid('json');
      const vp = boundedPresentation(body.verifiablePresentation);
      const { challenge, domain } = body.options ?? {};
      const result = await services.verifier.verifyPresentation(vp, {
        ...(challenge !== undefined ? { challenge } : {}),
        ...(domain !== undefined ? { domain } : {}),
      });
      return c.json(result, result.verified ? 200 : 400);
    },
  );

  app.openapi(
    routes.statusList,
    async (c) => {
      const { institutionId, listId } = c.req.valid('param');
      const list = await deps.store.statusLists.get(institutionId, listId, true);
      if (!list) throw new NotFoundError(`${institutionId} has no status list ${listId}`);
      const etag = `"${list.revision}"`;
      // verifiers may cache, but must revalidate: a change is visible as soon as it is made
      c.header('cache-control', 'public, no-cache');
      c.header('etag', etag);
      c.header('last-modified', new Date(list.updatedAt).toUTCString());
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      return c.json(list.credential, 200);
    },
  );

  // versioned by URL: a published context never changes, so it may be cached for a long time
  for (const [path, context] of [
    ['/contexts/eu-microcredential/v1.jsonld', EU_MICROCREDENTIAL_CONTEXT_V1],
    ['/contexts/recognition/v1.jsonld', RECOGNITION_CONTEXT_V1],
  ] as const) {
    app.get(path, (c) => {
      c.header('cache-control', 'public, max-age=86400');
      c.header('content-type', 'application/ld+json');
      return c.body(JSON.stringify(context));
    });
  }

  return app;
}
