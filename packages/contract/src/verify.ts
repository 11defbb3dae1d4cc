/**
 * Verification for anyone: the exchange's verify route, the VC API's verify endpoints for
 * credentials and presentations, and the institutions' status lists. No key needed.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { institutionIdSchema } from '@cx/domain';
import { jsonBody, jsonContent, problems } from './common.js';

export const verificationCheckSchema = z.object({
  check: z.enum(['proof', 'issuer-member', 'revocation', 'suspension', 'validity-period', 'schema', 'related-resources']),
  ok: z.boolean(),
  detail: z.string().optional(),
  outcome: z
    .enum(['not-checked'])
    .optional()
    .meta({
      description:
        "On a failed `revocation` or `suspension` check: `not-checked` when the status list could not be read or trusted (missing, unreadable, of another purpose or issuer, or its signature fails); `detail` says why. Absent when the list was read: then a failed check means revoked or suspended.",
    }),
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

export const presentationVerificationSchema = z
  .object({
    verified: z.boolean(),
    checks: z.array(z.object({ check: z.enum(['schema', 'proof', 'credentials']), ok: z.boolean(), detail: z.string().optional() })),
    errors: z.array(z.string()),
    warnings: z.array(z.string()),
    credentialResults: z.array(verificationSchema).meta({ description: "Each enclosed credential's verification, in order." }),
  })
  .meta({ id: 'PresentationVerification' });

export const verifyPresentationBodySchema = z
  .strictObject({
    verifiablePresentation: z.unknown().meta({ description: 'The presentation to verify.' }),
    options: z
      .looseObject({
        challenge: z.string().optional().meta({ description: "The challenge the holder's proof must carry." }),
        domain: z.string().optional().meta({ description: "The domain the holder's proof must be for." }),
      })
      .optional(),
  })
  .meta({ id: 'VerifyPresentationRequest' });

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
    description:
      'Proof, status, validity period and form decide `verified`; did:key issuers (VC 1.1 and 2.0) verify. Whether the issuer is a consortium member is the `issuer-member` check, reported (and warned about) but not deciding. Related resources the exchange does not hold are named as not checked: it fetches no URL.',
    request: jsonBody(verifyBodySchema),
    responses: {
      200: jsonContent(verificationSchema, 'Verified'),
      400: jsonContent(verificationSchema.or(z.record(z.string(), z.unknown())), 'Not verified, or not a credential'),
    },
  }),

  vcApiVerifyPresentation: createRoute({
    method: 'post',
    path: '/vc-api/presentations/verify',
    tags: ['VC API'],
    summary: 'VC API: verify a presentation (public)',
    description:
      "The holder's eddsa-rdfc-2022 proof (proof purpose authentication, by did:key or a member's did:web; `options.challenge` and `options.domain` must match it when given), and every enclosed credential as /vc-api/credentials/verify does. A presentation without a proof verifies on its credentials alone when no challenge or domain is asked for.",
    request: jsonBody(verifyPresentationBodySchema),
    responses: {
      200: jsonContent(presentationVerificationSchema, 'Verified'),
      400: jsonContent(presentationVerificationSchema.or(z.record(z.string(), z.unknown())), 'Not verified, or not a presentation'),
      ...problems(413),
    },
  }),

  statusList: createRoute({
    method: 'get',
    path: '/status-lists/{institutionId}/{listId}',
    tags: ['Verification'],
    summary: 'A signed BitstringStatusListCredential (public)',
    request: {
      params: z.object({ institutionId: institutionIdSchema, listId: z.string().regex(/^(message|revocation|suspension)-\d{1,6}$/, 'must be message-N, revocation-N or suspension-N') }),
    },
    responses: { 200: jsonContent(z.record(z.string(), z.unknown()), 'The status list credential'), 304: { description: 'Not modified' }, ...problems(400, 404) },
  }),
};
