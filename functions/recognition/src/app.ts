/**
 * Recognition and transfer: agreements between partners, transfers that students (without
 * a key) or receiving institutions submit, justified decisions, appeals, and the signed
 * recognition record.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { credentialServices, type CredentialServices } from '@cx/core';
import {
  agreementBodySchema,
  agreementIdSchema,
  appealBodySchema,
  decisionBodySchema,
  etagOf,
  ForbiddenError,
  institutionIdSchema,
  pageQuerySchema,
  pageSchema,
  transferBodySchema,
  UnauthorizedError,
  type Principal,
} from '@cx/domain';
import {
  bearerSecurity,
  clientAddress,
  createApiApp,
  jsonBody,
  jsonContent,
  ownerOnly,
  principalOf,
  requestContext,
  problems,
  registerSecurity,
  requireInstitution,
  requireMember,
  type ApiEnv,
} from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { TransferRecord } from '@cx/domain';
import type { Context, MiddlewareHandler } from 'hono';

/** 50 signed credentials are about 300 KB of JSON. */
const TRANSFER_BODY_LIMIT = 2 * 1024 * 1024;

const institutionParams = z.object({ id: institutionIdSchema });
const agreementParams = institutionParams.extend({ agreementId: agreementIdSchema });
const transferParams = institutionParams.extend({ transferId: z.uuid() });

const ruleView = z.object({
  partnerComponent: z.string(),
  reviewedVersion: z.number(),
  recognisedAs: z.object({ component: z.string().optional(), ects: z.number() }),
  minGrade: z.string().optional(),
  maxAgeYears: z.number().optional(),
  needsReview: z.boolean().meta({ description: 'The partner published a newer version than the one reviewed: credentials for it go to a reviewer.' }),
  currentVersion: z.number().nullable(),
});
const agreementView = z
  .object({
    institution: z.string(),
    id: z.string(),
    partner: z.string(),
    validFrom: z.string(),
    validUntil: z.string().optional(),
    notes: z.string().optional(),
    rules: z.array(ruleView),
    version: z.number(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Agreement' });

const transferItemView = z.object({
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
const transferView = z
  .object({
    id: z.string(),
    institution: z.string(),
    status: z.enum(['decided', 'pending-review']),
    student: z.object({ name: z.string(), email: z.string().optional(), did: z.string().optional(), studentId: z.string().optional() }),
    items: z.array(transferItemView),
    totalEctsRecognised: z.number(),
    trackingToken: z.string().optional().meta({ description: 'Only in the answer to a keyless submission: keep it to follow and appeal the transfer.' }),
    trackingUrl: z.string().optional(),
    recognitionCredential: z.record(z.string(), z.unknown()).optional().meta({ description: 'Signed by the receiving institution once no item is pending.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Transfer' });

const view = (t: TransferRecord, extra: { trackingToken?: string; trackingUrl?: string } = {}) => ({
  id: t.id,
  institution: t.institution,
  status: t.status,
  student: t.student,
  items: t.items.map(({ source: _source, appeal: _appeal, ...item }) => item),
  totalEctsRecognised: t.totalEctsRecognised,
  ...extra,
  recognitionCredential: t.recognitionCredential,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

/** The receiving institution's key, or no key at all (a student); any other key is refused. */
function institutionOrStudent(c: Context, institutionId: string): Principal {
  const principal = principalOf(c);
  if (principal.kind === 'anonymous') return principal;
  if (principal.kind !== 'institution' || principal.institutionId !== institutionId) {
    throw new ForbiddenError(`only ${institutionId}, or a student without a key, may submit a transfer to ${institutionId}`);
  }
  return principal;
}

// Rights are checked in route middleware, before the request is validated: a caller without
// them gets 401/403, never a 400 describing what the route would have accepted.

const submitterOnly: MiddlewareHandler = async (c, next) => {
  institutionOrStudent(c, c.req.param('id') ?? '');
  await next();
};

/** Appeals: with `?token=` the student (any or no key); without it, only the institution's key. */
const appellantOnly: MiddlewareHandler = async (c, next) => {
  if (c.req.query('token') === undefined) {
    if (principalOf(c).kind === 'anonymous') throw new UnauthorizedError('appeal with the tracking token, or with the institution’s key');
    requireInstitution(c, c.req.param('id') ?? '');
  }
  await next();
};

const memberOnly: MiddlewareHandler = async (c, next) => {
  requireMember(c);
  await next();
};

export function createRecognitionApp(deps: ExchangeDeps, options: { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps);
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    largeBodies: (path) => (/\/transfers$/.test(path) ? TRANSFER_BODY_LIMIT : undefined),
  });
  registerSecurity(app);

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/institutions/{id}/agreements/{agreementId}',
      tags: ['Recognition'],
      summary: 'Publish or change a recognition agreement (the receiving institution)',
      description: 'Rules recognise a partner component (at the version reviewed) as an own component and/or a number of ECTS. Versioned; send If-Match with the ETag you read.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: agreementParams, headers: z.object({ 'if-match': z.string().optional() }), ...jsonBody(agreementBodySchema) },
      responses: { 200: jsonContent(agreementView, 'Changed (or unchanged)'), 201: jsonContent(agreementView, 'Created'), ...problems(400, 401, 403, 409, 412) },
    }),
    async (c) => {
      const { id, agreementId } = c.req.valid('param');
      const { agreement, created } = await services.agreements.put(id, agreementId, c.req.valid('json'), c.req.header('if-match'), requestContext(c));
      c.header('etag', etagOf(agreement.version));
      return c.json(agreement as never, created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/agreements/{agreementId}',
      tags: ['Recognition'],
      summary: 'One agreement (the institution)',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: agreementParams },
      responses: { 200: jsonContent(agreementView, 'The agreement'), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, agreementId } = c.req.valid('param');
      const agreement = await services.agreements.get(id, agreementId);
      c.header('etag', etagOf(agreement.version));
      return c.json(agreement as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/agreements',
      tags: ['Recognition'],
      summary: "The institution's agreements (the institution)",
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: institutionParams, query: z.strictObject({ ...pageQuerySchema.shape }) },
      responses: { 200: jsonContent(pageSchema(agreementView), 'Agreements'), ...problems(400, 401, 403) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      return c.json((await services.agreements.list({ institution: id }, limit, cursor)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/agreements',
      tags: ['Recognition'],
      summary: 'Who recognises what across the consortium (any member)',
      security: bearerSecurity,
      middleware: memberOnly,
      request: {
        query: z.strictObject({ ...pageQuerySchema.shape, institution: institutionIdSchema.optional(), partner: institutionIdSchema.optional() }),
      },
      responses: { 200: jsonContent(pageSchema(agreementView), 'Agreements'), ...problems(400, 401) },
    }),
    async (c) => {
      const { limit, cursor, institution, partner } = c.req.valid('query');
      return c.json((await services.agreements.list({ institution, partner }, limit, cursor)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/transfers',
      tags: ['Recognition'],
      summary: 'Submit credentials for recognition (the receiving institution, or a student without a key)',
      description:
        'Each credential is verified in full and must belong to the student. An agreement rule recognises it at once; otherwise it goes to a reviewer. ' +
        'A student (no key) gets a `trackingToken`; keyless submissions are rate-limited per client address.',
      middleware: submitterOnly,
      request: { params: institutionParams, ...jsonBody(transferBodySchema) },
      responses: { 201: jsonContent(transferView, 'Submitted'), ...problems(400, 403, 404, 409, 413, 429) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { transfer, trackingToken } = await services.transfers.submit(id, c.req.valid('json'), {
        ...requestContext(c),
        clientAddress: clientAddress(c),
      });
      c.header('location', `/v1/institutions/${id}/transfers/${transfer.id}`);
      const tracking = trackingToken ? { trackingToken, trackingUrl: `${deps.publicUrl}/v1/transfers/${transfer.id}?token=${trackingToken}` } : {};
      return c.json(view(transfer, tracking) as never, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/transfers',
      tags: ['Recognition'],
      summary: 'Transfers submitted to the institution (the institution)',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: institutionParams, query: z.strictObject({ ...pageQuerySchema.shape, status: z.enum(['decided', 'pending-review']).optional() }) },
      responses: { 200: jsonContent(pageSchema(transferView), 'Newest first'), ...problems(400, 401, 403) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor, status } = c.req.valid('query');
      const page = await deps.store.transfers.list(id, status, limit, cursor);
      return c.json({ items: page.items.map((t) => view(t)), nextCursor: page.nextCursor } as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/transfers/{transferId}',
      tags: ['Recognition'],
      summary: 'One transfer with every item, decision and appeal (the institution)',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: transferParams },
      responses: { 200: jsonContent(transferView, 'The transfer'), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, transferId } = c.req.valid('param');
      return c.json(view(await services.transfers.get(id, transferId)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/transfers/{transferId}/decisions',
      tags: ['Recognition'],
      summary: 'Decide a pending item (the institution)',
      description: 'A rejection must name the substantial difference (level, workload, learning-outcomes, quality, profile) and explain it.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: transferParams, ...jsonBody(decisionBodySchema) },
      responses: { 200: jsonContent(transferView, 'The transfer after the decision'), ...problems(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, transferId } = c.req.valid('param');
      return c.json(view(await services.transfers.decide(id, transferId, c.req.valid('json'), requestContext(c))) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/transfers/{transferId}/appeals',
      tags: ['Recognition'],
      summary: 'Appeal a refusal (the student with the tracking token, or the institution with its key)',
      middleware: appellantOnly,
      request: { params: transferParams, query: z.strictObject({ token: z.string().min(1).max(200).optional() }), ...jsonBody(appealBodySchema) },
      responses: { 200: jsonContent(transferView, 'The item is back in review'), ...problems(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, transferId } = c.req.valid('param');
      const { token } = c.req.valid('query');
      return c.json(view(await services.transfers.appeal(id, transferId, c.req.valid('json'), { ...requestContext(c), token })) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/transfers/{transferId}',
      tags: ['Recognition'],
      summary: "A student's view of their transfer, by tracking token",
      request: { params: z.object({ transferId: z.uuid() }), query: z.strictObject({ token: z.string().min(1).max(200) }) },
      responses: { 200: jsonContent(transferView, 'The transfer'), ...problems(400, 404) },
    }),
    async (c) => {
      const { transferId } = c.req.valid('param');
      return c.json(view(await services.transfers.getForStudent(transferId, c.req.valid('query').token)) as never, 200);
    },
  );

  return app;
}
