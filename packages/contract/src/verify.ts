/**
 * Verification for anyone: the exchange's verify route, the VC API's verify endpoint and
 * the institutions' status lists. No key needed.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { institutionIdSchema } from '@cx/domain';
import { jsonBody, jsonContent, problems } from './common.js';

export const verificationCheckSchema = z.object({
  check: z.enum(['proof', 'issuer-member', 'revocation', 'suspension', 'validity-period', 'schema']),
  ok: z.boolean(),
  detail: z.string().optional(),
});
export const verificationSchema = z
  .object({
    verified: z.boolean(),
    checks: z.array(verificationCheckSchema),
    errors: z.array(z.string()),
    warnings: z.array(z.string()),
    issuer: z
      .object({ id: z.string(), name: z.string(), did: z.string(), status: z.string() })
      .optional()
      .meta({ description: 'The issuer as the member list names it (never the name claimed in the credential).' }),
  })
  .meta({ id: 'Verification' });

export const verifyBodySchema = z
  .strictObject({
    verifiableCredential: z.unknown().meta({ description: 'The credential to verify.' }),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'VerifyRequest' });

export const verifyRoutes = {
  verify: createRoute({
    method: 'post',
    path: '/v1/credentials/verify',
    tags: ['Verification'],
    summary: 'Verify a credential (public)',
    description: 'Checks the proof, that the issuer is a member and the key one its DID document lists, revocation, suspension and the validity period.',
    request: jsonBody(verifyBodySchema),
    responses: { 200: jsonContent(verificationSchema, 'Every check, and the verdict'), ...problems(400, 413) },
  }),

  vcApiVerify: createRoute({
    method: 'post',
    path: '/vc-api/credentials/verify',
    tags: ['VC API'],
    summary: 'VC API: verify a credential (public)',
    request: jsonBody(verifyBodySchema),
    responses: {
      200: jsonContent(verificationSchema, 'Verified'),
      400: jsonContent(verificationSchema.or(z.record(z.string(), z.unknown())), 'Not verified, or not a credential'),
    },
  }),

  statusList: createRoute({
    method: 'get',
    path: '/status-lists/{institutionId}/{listId}',
    tags: ['Verification'],
    summary: 'A signed BitstringStatusListCredential (public)',
    request: {
      params: z.object({ institutionId: institutionIdSchema, listId: z.string().regex(/^(revocation|suspension)-\d{1,6}$/, 'must be revocation-N or suspension-N') }),
    },
    responses: { 200: jsonContent(z.record(z.string(), z.unknown()), 'The status list credential'), 304: { description: 'Not modified' }, ...problems(400, 404) },
  }),
};
