/**
 * Institutions: onboarding, the member list (the consortium's trust registry), DID
 * documents, signing-key rotation, API keys, suspension, and the audit log.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { auditRecordSchema, institutionIdSchema, institutionSchema, newInstitutionSchema, pageQuerySchema, pageSchema } from '@cx/domain';
import { adminOnly } from '@cx/http';
import { bearerSecurity, jsonBody, jsonContent, problems } from './common.js';

const idParams = z.object({ id: institutionIdSchema });

export const onboardedSchema = z.object({ institution: institutionSchema, apiKey: z.string().meta({ description: 'Shown once; store it safely.' }) });
export const whoAmISchema = z
  .object({ kind: z.enum(['admin', 'institution']), institution: institutionIdSchema.optional(), keyId: z.string() })
  .meta({ id: 'WhoAmI' });
export const apiKeyCreatedSchema = z.object({ id: z.string(), apiKey: z.string().meta({ description: 'Shown once.' }) });
export const apiKeysRevokedSchema = z
  .object({ revoked: z.array(z.string()).meta({ description: 'Ids of the keys this call revoked.' }) })
  .meta({ id: 'ApiKeysRevoked' });
export const didDocumentSchema = z
  .object({
    '@context': z.array(z.string()),
    id: z.string(),
    verificationMethod: z.array(z.object({ id: z.string(), type: z.literal('Multikey'), controller: z.string(), publicKeyMultibase: z.string() })),
    assertionMethod: z.array(z.string()),
    authentication: z.array(z.string()),
  })
  .meta({ id: 'DidDocument' });

/** Suspending and reinstating a member: the same route but for its action. */
function memberStatusRoute(action: 'suspend' | 'reinstate') {
  return createRoute({
    method: 'post',
    path: `/v1/institutions/{id}/${action}`,
    tags: ['Institutions'],
    summary: action === 'suspend' ? 'Suspend a member (admin): it can issue and publish nothing new' : 'Reinstate a suspended member (admin)',
    security: bearerSecurity,
    middleware: adminOnly,
    request: { params: idParams },
    responses: { 200: jsonContent(institutionSchema, 'The institution'), ...problems(400, 401, 403, 404, 409) },
  });
}

export const institutionRoutes = {
  onboard: createRoute({
    method: 'post',
    path: '/v1/institutions',
    tags: ['Institutions'],
    summary: 'Onboard a partner institution (admin)',
    description: 'Creates the member record, provisions its own Ed25519 signing key, and returns its first API key.',
    security: bearerSecurity,
    middleware: adminOnly,
    request: jsonBody(newInstitutionSchema),
    responses: { 201: jsonContent(onboardedSchema, 'Onboarded'), ...problems(400, 401, 403, 409, 413) },
  }),

  list: createRoute({
    method: 'get',
    path: '/v1/institutions',
    tags: ['Institutions'],
    summary: "The consortium's member list (public trust registry)",
    request: { query: pageQuerySchema },
    responses: { 200: jsonContent(pageSchema(institutionSchema), 'Members, in id order'), ...problems(400) },
  }),

  get: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}',
    tags: ['Institutions'],
    summary: 'One member institution (public)',
    request: { params: idParams },
    responses: { 200: jsonContent(institutionSchema, 'The institution'), ...problems(400, 404) },
  }),

  didDocument: createRoute({
    method: 'get',
    path: '/institutions/{id}/did.json',
    tags: ['Identity'],
    summary: "The institution's did:web DID document (public)",
    description: 'Lists every key the institution has signed with, active and retired, as Multikey verification methods.',
    request: { params: idParams },
    responses: { 200: jsonContent(didDocumentSchema, 'DID document'), ...problems(400, 404) },
  }),

  rotateKey: createRoute({
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

  createApiKey: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/api-keys',
    tags: ['Institutions'],
    summary: 'Create an API key for an institution (admin)',
    security: bearerSecurity,
    middleware: adminOnly,
    request: { params: idParams },
    responses: { 201: jsonContent(apiKeyCreatedSchema, 'The new key, shown once'), ...problems(400, 401, 403, 404) },
  }),

  revokeApiKey: createRoute({
    method: 'delete',
    path: '/v1/institutions/{id}/api-keys/{keyId}',
    tags: ['Institutions'],
    summary: 'Revoke an API key (admin); it stops working at once',
    security: bearerSecurity,
    middleware: adminOnly,
    request: { params: idParams.extend({ keyId: z.string().regex(/^[a-z0-9]{16}$/, 'must be an API key id') }) },
    responses: { 204: { description: 'Revoked' }, ...problems(400, 401, 403, 404, 409) },
  }),

  revokeAllApiKeys: createRoute({
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
    responses: { 200: jsonContent(apiKeysRevokedSchema, 'The ids of the keys revoked now'), ...problems(400, 401, 403, 404, 409) },
  }),

  suspend: memberStatusRoute('suspend'),
  reinstate: memberStatusRoute('reinstate'),

  whoAmI: createRoute({
    method: 'get',
    path: '/v1/me',
    tags: ['Institutions'],
    summary: 'Who the calling API key acts for',
    description: 'Lets tools find the institution of a key without being told.',
    security: bearerSecurity,
    responses: { 200: jsonContent(whoAmISchema, 'The caller'), ...problems(401) },
  }),

  audit: createRoute({
    method: 'get',
    path: '/v1/audit',
    tags: ['Audit'],
    summary: 'Who changed what, and when (admin)',
    security: bearerSecurity,
    middleware: adminOnly,
    request: { query: pageQuerySchema.extend({ institution: institutionIdSchema.optional() }) },
    responses: { 200: jsonContent(pageSchema(auditRecordSchema), 'Audit records, newest first'), ...problems(400, 401, 403) },
  }),
};
