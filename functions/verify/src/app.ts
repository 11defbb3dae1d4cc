/**
 * Verification for anyone: the exchange's verify route, the VC API's verify endpoint,
 * the institutions' status lists, and the exchange's JSON-LD context. No key needed.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { credentialServices, type CredentialServices } from '@cx/core';
import { assertCredentialBudget, EU_MICROCREDENTIAL_CONTEXT_V1, RECOGNITION_CONTEXT_V1 } from '@cx/credentials';
import { institutionIdSchema, NotFoundError, ValidationError } from '@cx/domain';
import { createApiApp, jsonBody, jsonContent, problems, type ApiEnv } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';

const checkSchema = z.object({
  check: z.enum(['proof', 'issuer-member', 'revocation', 'suspension', 'validity-period', 'schema']),
  ok: z.boolean(),
  detail: z.string().optional(),
});
const verificationSchema = z
  .object({
    verified: z.boolean(),
    checks: z.array(checkSchema),
    errors: z.array(z.string()),
    warnings: z.array(z.string()),
    issuer: z
      .object({ id: z.string(), name: z.string(), did: z.string(), status: z.string() })
      .optional()
      .meta({ description: 'The issuer as the member list names it (never the name claimed in the credential).' }),
  })
  .meta({ id: 'Verification' });

const verifyBody = z
  .strictObject({
    verifiableCredential: z.unknown().meta({ description: 'The credential to verify.' }),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'VerifyRequest' });

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
  const app = createApiApp({ auth: { store: deps.store, adminTokenHash: deps.adminTokenHash } });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/credentials/verify',
      tags: ['Verification'],
      summary: 'Verify a credential (public)',
      description: 'Checks the proof, that the issuer is a member and the key one its DID document lists, revocation, suspension and the validity period.',
      request: jsonBody(verifyBody),
      responses: { 200: jsonContent(verificationSchema, 'Every check, and the verdict'), ...problems(400, 413) },
    }),
    async (c) => {
      const vc = credentialObject(c.req.valid('json').verifiableCredential);
      return c.json(await services.verifier.verify(vc), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/vc-api/credentials/verify',
      tags: ['VC API'],
      summary: 'VC API: verify a credential (public)',
      request: jsonBody(verifyBody),
      responses: {
        200: jsonContent(verificationSchema, 'Verified'),
        400: jsonContent(verificationSchema.or(z.record(z.string(), z.unknown())), 'Not verified, or not a credential'),
      },
    }),
    async (c) => {
      const vc = credentialObject(c.req.valid('json').verifiableCredential);
      const result = await services.verifier.verify(vc);
      return c.json(result, result.verified ? 200 : 400);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/status-lists/{institutionId}/{listId}',
      tags: ['Verification'],
      summary: 'A signed BitstringStatusListCredential (public)',
      request: {
        params: z.object({ institutionId: institutionIdSchema, listId: z.string().regex(/^(revocation|suspension)-\d{1,6}$/, 'must be revocation-N or suspension-N') }),
      },
      responses: { 200: jsonContent(z.record(z.string(), z.unknown()), 'The status list credential'), 304: { description: 'Not modified' }, ...problems(400, 404) },
    }),
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
