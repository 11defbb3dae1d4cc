/**
 * Institutions: onboarding, the member list (the consortium's trust registry), DID
 * documents, signing-key rotation, API keys, suspension, and the audit log.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  auditRecordSchema,
  institutionDidDocument,
  institutionIdSchema,
  institutionSchema,
  newInstitutionSchema,
  pageQuerySchema,
  pageSchema,
  systemClock,
  UnauthorizedError,
} from '@cx/domain';
import {
  adminOnly,
  bearerSecurity,
  createApiApp,
  jsonBody,
  jsonContent,
  principalOf,
  problems,
  registerSecurity,
  type AuthDeps,
} from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import { InstitutionService } from '@cx/core';

export type InstitutionsAppDeps = ExchangeDeps;

const idParams = z.object({ id: institutionIdSchema });
const onboarded = z.object({ institution: institutionSchema, apiKey: z.string().meta({ description: 'Shown once; store it safely.' }) });
const whoAmI = z
  .object({ kind: z.enum(['admin', 'institution']), institution: institutionIdSchema.optional(), keyId: z.string() })
  .meta({ id: 'WhoAmI' });
const apiKeyCreated = z.object({ id: z.string(), apiKey: z.string().meta({ description: 'Shown once.' }) });
const apiKeysRevoked = z.object({ revoked: z.array(z.string()).meta({ description: 'Ids of the keys this call revoked.' }) }).meta({ id: 'ApiKeysRevoked' });
const didDocumentSchema = z
  .object({
    '@context': z.array(z.string()),
    id: z.string(),
    verificationMethod: z.array(z.object({ id: z.string(), type: z.literal('Multikey'), controller: z.string(), publicKeyMultibase: z.string() })),
    assertionMethod: z.array(z.string()),
    authentication: z.array(z.string()),
  })
  .meta({ id: 'DidDocument' });

export function createInstitutionsApp(deps: InstitutionsAppDeps) {
  const auth: AuthDeps = { store: deps.store, adminTokenHash: deps.adminTokenHash };
  const service = new InstitutionService({ ...deps, clock: deps.clock ?? systemClock });
  const app = createApiApp({ auth });
  registerSecurity(app);
  const ctx = (c: { get: (key: 'requestId') => string }) => ({ principal: principalOf(c as never), requestId: c.get('requestId') });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions',
      tags: ['Institutions'],
      summary: 'Onboard a partner institution (admin)',
      description: 'Creates the member record, provisions its own Ed25519 signing key, and returns its first API key.',
      security: bearerSecurity,
      middleware: adminOnly,
      request: jsonBody(newInstitutionSchema),
      responses: { 201: jsonContent(onboarded, 'Onboarded'), ...problems(400, 401, 403, 409, 413) },
    }),
    async (c) => {
      const { institution, apiKey } = await service.onboard(c.req.valid('json'), ctx(c));
      c.header('location', `/v1/institutions/${institution.id}`);
      return c.json({ institution: service.toView(institution), apiKey }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions',
      tags: ['Institutions'],
      summary: "The consortium's member list (public trust registry)",
      request: { query: pageQuerySchema },
      responses: { 200: jsonContent(pageSchema(institutionSchema), 'Members, in id order'), ...problems(400) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await deps.store.institutions.list(limit, cursor);
      return c.json({ items: page.items.map((i) => service.toView(i)), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}',
      tags: ['Institutions'],
      summary: 'One member institution (public)',
      request: { params: idParams },
      responses: { 200: jsonContent(institutionSchema, 'The institution'), ...problems(400, 404) },
    }),
    async (c) => c.json(service.toView(await service.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/institutions/{id}/did.json',
      tags: ['Identity'],
      summary: "The institution's did:web DID document (public)",
      description: 'Lists every key the institution has signed with, active and retired, as Multikey verification methods.',
      request: { params: idParams },
      responses: { 200: jsonContent(didDocumentSchema, 'DID document'), ...problems(400, 404) },
    }),
    async (c) => {
      const institution = await service.get(c.req.valid('param').id);
      c.header('cache-control', 'public, max-age=300');
      return c.json(institutionDidDocument(deps.publicUrl, institution), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/keys/rotate',
      tags: ['Institutions'],
      summary: 'Rotate the signing key (admin)',
      description: 'Provisions a new active key; the previous key is retired and stays in the DID document.',
      security: bearerSecurity,
      middleware: adminOnly,
      request: { params: idParams },
      responses: { 200: jsonContent(institutionSchema, 'The institution with its new key'), ...problems(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      return c.json(service.toView(await service.rotateKey(c.req.valid('param').id, ctx(c))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/api-keys',
      tags: ['Institutions'],
      summary: 'Create an API key for an institution (admin)',
      security: bearerSecurity,
      middleware: adminOnly,
      request: { params: idParams },
      responses: { 201: jsonContent(apiKeyCreated, 'The new key, shown once'), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      return c.json(await service.createApiKey(c.req.valid('param').id, ctx(c)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/institutions/{id}/api-keys/{keyId}',
      tags: ['Institutions'],
      summary: 'Revoke an API key (admin); it stops working at once',
      security: bearerSecurity,
      middleware: adminOnly,
      request: { params: idParams.extend({ keyId: z.string().regex(/^[a-z0-9]{16}$/, 'must be an API key id') }) },
      responses: { 204: { description: 'Revoked' }, ...problems(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      await service.revokeApiKey(id, keyId, ctx(c));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/api-keys:revoke-all',
      tags: ['Institutions'],
      summary: "Revoke every API key of an institution (admin), e.g. when one may be compromised",
      description:
        'Every key of the institution that still works stops working at once; the answer names them, and the audit log ' +
        'records the call. Keys revoked before are left as they are. Create a new key afterwards (`POST .../api-keys`). ' +
        'Suspension is separate: a suspended member keeps its keys so that it can still revoke credentials. ' +
        'Only an admin may call this, not even the institution itself: a stolen key must not be able to lock its owner out.',
      security: bearerSecurity,
      middleware: adminOnly,
      request: { params: idParams },
      responses: { 200: jsonContent(apiKeysRevoked, 'The ids of the keys revoked now'), ...problems(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json({ revoked: await service.revokeAllApiKeys(c.req.valid('param').id, ctx(c)) }, 200),
  );

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['reinstate', 'active'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/institutions/{id}/${action}`,
        tags: ['Institutions'],
        summary: action === 'suspend' ? 'Suspend a member (admin): it can issue and publish nothing new' : 'Reinstate a suspended member (admin)',
        security: bearerSecurity,
        middleware: adminOnly,
        request: { params: idParams },
        responses: { 200: jsonContent(institutionSchema, 'The institution'), ...problems(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        return c.json(service.toView(await service.setStatus(c.req.valid('param').id, status, ctx(c))), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me',
      tags: ['Institutions'],
      summary: 'Who the calling API key acts for',
      description: 'Lets tools find the institution of a key without being told.',
      security: bearerSecurity,
      responses: { 200: jsonContent(whoAmI, 'The caller'), ...problems(401) },
    }),
    async (c) => {
      const principal = principalOf(c);
      if (principal.kind === 'anonymous') throw new UnauthorizedError('this route needs an API key');
      return c.json(
        principal.kind === 'institution'
          ? { kind: principal.kind, institution: principal.institutionId, keyId: principal.keyId }
          : { kind: principal.kind, keyId: principal.keyId },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audit',
      tags: ['Audit'],
      summary: 'Who changed what, and when (admin)',
      security: bearerSecurity,
      middleware: adminOnly,
      request: { query: pageQuerySchema.extend({ institution: institutionIdSchema.optional() }) },
      responses: { 200: jsonContent(pageSchema(auditRecordSchema), 'Audit records, newest first'), ...problems(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor, institution } = c.req.valid('query');
      return c.json(await deps.store.audit.list({ institution }, limit, cursor), 200);
    },
  );

  return app;
}
