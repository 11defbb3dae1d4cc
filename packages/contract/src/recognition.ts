/**
 * Recognition and transfer: agreements between partners, transfers that students (without
 * a key) or receiving institutions submit, justified decisions, appeals, and the signed
 * recognition record.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  agreementBodySchema,
  agreementIdSchema,
  appealBodySchema,
  decisionBodySchema,
  ForbiddenError,
  institutionIdSchema,
  pageQuerySchema,
  pageSchema,
  transferBodySchema,
  UnauthorizedError,
} from '@cx/domain';
import { ownerOnly, principalOf, requireInstitution, requireMember, type ApiEnv } from '@cx/http';
import type { MiddlewareHandler } from 'hono';
import { bearerSecurity, jsonBody, jsonContent, problems } from './common.js';

const institutionParams = z.object({ id: institutionIdSchema });
const agreementParams = institutionParams.extend({ agreementId: agreementIdSchema });
const transferParams = institutionParams.extend({ transferId: z.uuid() });

export const agreementRuleViewSchema = z.object({
  partnerComponent: z.string(),
  reviewedVersion: z.number(),
  recognisedAs: z.object({ component: z.string().optional(), ects: z.number() }),
  minGrade: z.string().optional(),
  maxAgeYears: z.number().optional(),
  needsReview: z.boolean().meta({ description: 'The partner published a newer version than the one reviewed: credentials for it go to a reviewer.' }),
  currentVersion: z.number().nullable(),
});
export const agreementViewSchema = z
  .object({
    institution: z.string(),
    id: z.string(),
    partner: z.string(),
    validFrom: z.string(),
    validUntil: z.string().optional(),
    notes: z.string().optional(),
    rules: z.array(agreementRuleViewSchema),
    version: z.number(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Agreement' });

export const transferItemViewSchema = z.object({
  credentialId: z.string(),
  issuer: z.string().nullable(),
  component: z.string().nullable(),
  outcome: z.enum(['recognised', 'pending', 'rejected']),
  ects: z.number(),
  recognisedAs: z.string().optional(),
  reason: z.string(),
  appealed: z.boolean().optional(),
  history: z.array(z.unknown()),
});
export const transferViewSchema = z
  .object({
    id: z.string(),
    institution: z.string(),
    status: z.enum(['decided', 'pending-review']),
    student: z.object({ name: z.string(), email: z.string().optional(), did: z.string().optional(), studentId: z.string().optional() }),
    items: z.array(transferItemViewSchema),
    totalEctsRecognised: z.number(),
    trackingToken: z.string().optional().meta({ description: 'Only in the answer to a keyless submission: keep it to follow and appeal the transfer.' }),
    trackingUrl: z.string().optional(),
    recognitionCredential: z.record(z.string(), z.unknown()).optional().meta({ description: 'Signed by the receiving institution once no item is pending.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Transfer' });

// Who may call is checked in route middleware, before the request is validated: a caller
// without the right gets 401/403, never a 400 describing what the route would have accepted.

/** Submitting: the receiving institution's key, or no key at all (a student); any other key is refused. */
const submitterOnly: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const institutionId = c.req.param('id') ?? '';
  const principal = principalOf(c);
  if (principal.kind !== 'anonymous' && (principal.kind !== 'institution' || principal.institutionId !== institutionId)) {
    throw new ForbiddenError(`only ${institutionId}, or a student without a key, may submit a transfer to ${institutionId}`);
  }
  await next();
};

/** Appeals: with `?token=` the student (any or no key); without it, only the institution's key. */
const appellantOnly: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.req.query('token') === undefined) {
    if (principalOf(c).kind === 'anonymous') throw new UnauthorizedError('appeal with the tracking token, or with the institution’s key');
    requireInstitution(c, c.req.param('id') ?? '');
  }
  await next();
};

const memberOnly: MiddlewareHandler<ApiEnv> = async (c, next) => {
  requireMember(c);
  await next();
};

export const recognitionRoutes = {
  putAgreement: createRoute({
    method: 'put',
    path: '/v1/institutions/{id}/agreements/{agreementId}',
    tags: ['Recognition'],
    summary: 'Publish or change a recognition agreement (the receiving institution)',
    description: 'Rules recognise a partner component (at the version reviewed) as an own component and/or a number of ECTS. Versioned; send If-Match with the ETag you read.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: agreementParams, headers: z.object({ 'if-match': z.string().optional() }), ...jsonBody(agreementBodySchema) },
    responses: { 200: jsonContent(agreementViewSchema, 'Changed (or unchanged)'), 201: jsonContent(agreementViewSchema, 'Created'), ...problems(400, 401, 403, 409, 412) },
  }),

  getAgreement: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/agreements/{agreementId}',
    tags: ['Recognition'],
    summary: 'One agreement (the institution)',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: agreementParams },
    responses: { 200: jsonContent(agreementViewSchema, 'The agreement'), ...problems(400, 401, 403, 404) },
  }),

  listAgreements: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/agreements',
    tags: ['Recognition'],
    summary: "The institution's agreements (the institution)",
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: institutionParams, query: z.strictObject({ ...pageQuerySchema.shape }) },
    responses: { 200: jsonContent(pageSchema(agreementViewSchema), 'Agreements'), ...problems(400, 401, 403) },
  }),

  searchAgreements: createRoute({
    method: 'get',
    path: '/v1/agreements',
    tags: ['Recognition'],
    summary: 'Who recognises what across the consortium (any member)',
    security: bearerSecurity,
    middleware: memberOnly,
    request: {
      query: z.strictObject({ ...pageQuerySchema.shape, institution: institutionIdSchema.optional(), partner: institutionIdSchema.optional() }),
    },
    responses: { 200: jsonContent(pageSchema(agreementViewSchema), 'Agreements'), ...problems(400, 401) },
  }),

  submitTransfer: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/transfers',
    tags: ['Recognition'],
    summary: 'Submit credentials for recognition (the receiving institution, or a student without a key)',
    description:
      'Each credential is verified in full and must belong to the student. An agreement rule recognises it at once; otherwise it goes to a reviewer. ' +
      'A student (no key) gets a `trackingToken`; keyless submissions are rate-limited per client address.',
    middleware: submitterOnly,
    request: { params: institutionParams, ...jsonBody(transferBodySchema) },
    responses: { 201: jsonContent(transferViewSchema, 'Submitted'), ...problems(400, 403, 404, 409, 413, 429) },
  }),

  listTransfers: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/transfers',
    tags: ['Recognition'],
    summary: 'Transfers submitted to the institution (the institution)',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: institutionParams, query: z.strictObject({ ...pageQuerySchema.shape, status: z.enum(['decided', 'pending-review']).optional() }) },
    responses: { 200: jsonContent(pageSchema(transferViewSchema), 'Newest first'), ...problems(400, 401, 403) },
  }),

  getTransfer: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/transfers/{transferId}',
    tags: ['Recognition'],
    summary: 'One transfer with every item, decision and appeal (the institution)',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: transferParams },
    responses: { 200: jsonContent(transferViewSchema, 'The transfer'), ...problems(400, 401, 403, 404) },
  }),

  decide: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/transfers/{transferId}/decisions',
    tags: ['Recognition'],
    summary: 'Decide a pending item (the institution)',
    description: 'A rejection must name the substantial difference (level, workload, learning-outcomes, quality, profile) and explain it.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: transferParams, ...jsonBody(decisionBodySchema) },
    responses: { 200: jsonContent(transferViewSchema, 'The transfer after the decision'), ...problems(400, 401, 403, 404, 409) },
  }),

  appeal: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/transfers/{transferId}/appeals',
    tags: ['Recognition'],
    summary: 'Appeal a refusal (the student with the tracking token, or the institution with its key)',
    middleware: appellantOnly,
    request: { params: transferParams, query: z.strictObject({ token: z.string().min(1).max(200).optional() }), ...jsonBody(appealBodySchema) },
    responses: { 200: jsonContent(transferViewSchema, 'The item is back in review'), ...problems(400, 401, 403, 404, 409) },
  }),

  studentView: createRoute({
    method: 'get',
    path: '/v1/transfers/{transferId}',
    tags: ['Recognition'],
    summary: "A student's view of their transfer, by tracking token",
    request: { params: z.object({ transferId: z.uuid() }), query: z.strictObject({ token: z.string().min(1).max(200) }) },
    responses: { 200: jsonContent(transferViewSchema, 'The transfer'), ...problems(400, 404) },
  }),
};
