/**
 * Credentials: issuing Open Badges 3.0 credentials for catalogue entries, reading what an
 * institution issued, revoking and suspending, graduation runs, and the VC API's issue
 * endpoint. Every route here belongs to one institution and needs its key.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { credentialServices, recipientLookup, type CredentialServices, type ServiceOptions } from '@cx/core';
import { assertCredentialBudget, checkCredentialShape } from '@cx/credentials';
import {
  actorOf,
  institutionDid,
  institutionIdSchema,
  issueRequestSchema,
  NotFoundError,
  pageQuerySchema,
  pageSchema,
  recipientKind,
  statusChangeSchema,
  ValidationError,
  systemClock,
} from '@cx/domain';
import {
  bearerSecurity,
  createApiApp,
  jsonBody,
  jsonContent,
  ownerOnly,
  principalOf,
  problems,
  registerSecurity,
  type ApiEnv,
} from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { CredentialRecord } from '@cx/domain';
import { signAsInstitution } from '@cx/core';

const MAX_BATCH = 10_000;
/** A graduation run of 10,000 items is a few MB; Lambda takes 6 MB. */
const BATCH_BODY_LIMIT = 6 * 1024 * 1024 - 64 * 1024;

const institutionParams = z.object({ id: institutionIdSchema });
const credentialParams = institutionParams.extend({
  credentialId: z
    .string()
    .regex(/^(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a credential id (urn:uuid:...)'),
});
const batchParams = institutionParams.extend({ batchId: z.uuid() });
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional() });
const batchStatus = z.enum(['queued', 'running', 'done', 'done-with-errors']);
const batchErrorsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(1000).meta({ description: 'Errors per page, 1-1,000.' }),
  cursor: z.string().max(2048).optional().meta({ description: 'The `nextCursor` of the previous view: the next page of errors.' }),
});

const credentialJson = z.record(z.string(), z.unknown()).meta({ id: 'VerifiableCredential', description: 'A signed W3C VC 2.0 (Open Badges 3.0) credential.' });
const issued = z.object({ id: z.string(), credential: credentialJson }).meta({ id: 'IssuedCredential' });
const credentialView = z
  .object({
    id: z.string(),
    status: z.enum(['active', 'suspended', 'revoked']),
    statusReason: z.string().optional(),
    statusChangedAt: z.string().optional(),
    achievement: z.object({ type: z.string(), institution: z.string(), code: z.string(), version: z.number() }),
    recipient: z.object({ name: z.string(), email: z.string().optional(), did: z.string().optional(), studentId: z.string().optional() }),
    issuedAt: z.string(),
    builtFrom: z.array(z.string()).optional(),
    credential: credentialJson,
  })
  .meta({ id: 'IssuedCredentialRecord' });
const batchView = z
  .object({
    id: z.string(),
    status: batchStatus,
    total: z.number(),
    issued: z.number(),
    failed: z.number(),
    createdAt: z.string(),
    errors: z.array(z.object({ index: z.number(), problem: z.unknown() })).meta({ description: 'Failed items by index: a page of them (`limit`, `cursor`).' }),
    nextCursor: z.string().optional().meta({ description: 'Present when more errors follow: pass it as `cursor`.' }),
  })
  .meta({ id: 'CredentialBatch' });

const normaliseId = (id: string) => (id.startsWith('urn:uuid:') ? id : `urn:uuid:${id}`);

const view = (record: CredentialRecord) => ({
  id: record.id,
  status: record.status,
  statusReason: record.statusReason,
  statusChangedAt: record.statusChangedAt,
  achievement: record.achievement,
  recipient: record.recipient,
  issuedAt: record.issuedAt,
  builtFrom: record.builtFrom,
  credential: record.credential,
});

export function createCredentialsApp(deps: ExchangeDeps, options: ServiceOptions & { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps, options);
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    largeBodies: (path) => (path.endsWith('/credential-batches') ? BATCH_BODY_LIMIT : undefined),
  });
  registerSecurity(app);

  const findCredential = async (institution: string, credentialId: string) => {
    const record = await deps.store.credentials.get(institution, normaliseId(credentialId), true);
    if (!record) throw new NotFoundError(`${institution} issued no credential ${credentialId}`);
    return record;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/credentials',
      tags: ['Credentials'],
      summary: 'Issue a credential for a component, badge or micro-degree (the institution)',
      description:
        'Signs an Open Badges 3.0 credential with the institution’s own key. With an `Idempotency-Key` header, retries answer the same credential; the same key with another body gets 422.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: {
        params: institutionParams,
        headers: idempotencyHeaders,
        ...jsonBody(issueRequestSchema),
      },
      responses: { 201: jsonContent(issued, 'Issued'), ...problems(400, 401, 403, 404, 409, 413, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await services.issuer.issue(id, c.req.valid('json'), {
        principal: principalOf(c),
        requestId: c.get('requestId'),
        idempotencyKey: c.req.valid('header')['idempotency-key'],
      });
      c.header('location', `/v1/institutions/${id}/credentials/${result.id}`);
      return c.json({ id: result.id, credential: result.credential }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/credentials',
      tags: ['Credentials'],
      summary: 'Credentials the institution issued to a recipient (the institution)',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: {
        params: institutionParams,
        query: z.strictObject({
          ...pageQuerySchema.shape,
          recipient: z.string().trim().min(1).max(2048).meta({ description: 'An email, a DID, or a student id.' }),
        }),
      },
      responses: { 200: jsonContent(pageSchema(credentialView), 'Newest first'), ...problems(400, 401, 403) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { recipient, limit, cursor } = c.req.valid('query');
      const kind = recipientKind(recipient);
      const lookup = recipientLookup(kind === 'did' ? { did: recipient } : kind === 'email' ? { email: recipient } : { studentId: recipient });
      const page = await deps.store.credentials.listByRecipient(id, lookup, limit, cursor);
      return c.json({ items: page.items.map(view), nextCursor: page.nextCursor } as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/credentials/{credentialId}',
      tags: ['Credentials'],
      summary: 'One issued credential with its status (the institution)',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: credentialParams },
      responses: { 200: jsonContent(credentialView, 'The credential'), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, credentialId } = c.req.valid('param');
      return c.json(view(await findCredential(id, credentialId)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/credentials/{credentialId}/status',
      tags: ['Credentials'],
      summary: 'Revoke, suspend or reinstate a credential (the institution)',
      description: 'Revocation is final (409 for any other status afterwards); suspension can be lifted with `active`. Asking for the status the credential already has answers 200 and changes nothing, so a lost answer can be retried. The status list shows the change once this answers.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: credentialParams, ...jsonBody(statusChangeSchema) },
      responses: { 200: jsonContent(credentialView, 'The credential with its new status'), ...problems(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, credentialId } = c.req.valid('param');
      const { status, reason } = c.req.valid('json');
      const institution = await deps.store.institutions.member(id);
      const record = await findCredential(id, credentialId);
      const changed = await services.status.change(institution, record, status, reason, { principal: principalOf(c), requestId: c.get('requestId') });
      return c.json(view(changed) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/credential-batches',
      tags: ['Credentials'],
      summary: 'Start a graduation run: up to 10,000 credentials (the institution)',
      description:
        'Answers 202 at once; follow progress at the batch URL. Every item is validated first: one invalid item refuses the run (400 naming `items.<index>.<field>`) and nothing is stored. Each item is issued exactly once, even when a worker is retried, and ends issued or failed. With an `Idempotency-Key` header, a repeated start answers the first run; the same key with another body gets 422.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: {
        params: institutionParams,
        headers: idempotencyHeaders,
        ...jsonBody(z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_BATCH).meta({ description: 'Issue request bodies (IssueRequest).' }) }).meta({ id: 'CredentialBatchRequest' })),
      },
      responses: {
        202: jsonContent(z.object({ id: z.string(), status: batchStatus, total: z.number() }), 'Queued (a repeated start: the first run, as it is now)'),
        ...problems(400, 401, 403, 413, 422),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await deps.store.institutions.activeMember(id, 'can issue nothing new');
      const batch = await services.batches.submit(id, c.req.valid('json').items, actorOf(principalOf(c)), {
        requestId: c.get('requestId'),
        idempotencyKey: c.req.valid('header')['idempotency-key'],
      });
      // a repeated start answers the first run as it is now
      const status = batch.replayed ? ((await services.batches.view(id, batch.id, { limit: 1 }))?.status ?? 'queued') : 'queued';
      c.header('location', `/v1/institutions/${id}/credential-batches/${batch.id}`);
      return c.json({ id: batch.id, status, total: batch.total }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/institutions/{id}/credential-batches/{batchId}',
      tags: ['Credentials'],
      summary: 'Progress of a graduation run (the institution)',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: batchParams, query: batchErrorsQuery },
      responses: { 200: jsonContent(batchView, 'Progress'), ...problems(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id, batchId } = c.req.valid('param');
      const batch = await services.batches.view(id, batchId, c.req.valid('query'));
      if (!batch) throw new NotFoundError(`${id} has no credential batch ${batchId}`);
      return c.json(batch as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/vc-api/institutions/{id}/credentials/issue',
      tags: ['VC API'],
      summary: 'VC API: sign a credential the caller composed (the institution)',
      description: 'The credential’s issuer must be the institution’s DID. Answers `{ verifiableCredential }` with an eddsa-rdfc-2022 Data Integrity proof.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: {
        params: institutionParams,
        ...jsonBody(z.strictObject({ credential: z.record(z.string(), z.unknown()), options: z.record(z.string(), z.unknown()).optional() }).meta({ id: 'VcApiIssueRequest' })),
      },
      responses: { 201: jsonContent(z.object({ verifiableCredential: credentialJson }), 'Signed'), ...problems(400, 401, 403) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { credential } = c.req.valid('json');
      const institution = await deps.store.institutions.activeMember(id, 'can issue nothing new');
      // a caller-composed credential is canonicalised to be signed: bound its cost first
      assertCredentialBudget(credential, ['credential']);
      const issues = checkCredentialShape(credential, { profile: 'vc' }).map((i) => ({ ...i, field: i.field ? `credential.${i.field}` : 'credential' }));
      if (issues.length) throw new ValidationError(`not a credential that can be signed: ${issues.map((i) => i.field).join(', ')}`, issues);
      const did = institutionDid(deps.publicUrl, id);
      const issuer = typeof credential.issuer === 'string' ? credential.issuer : (credential.issuer as { id?: unknown } | undefined)?.id;
      if (issuer !== did) throw ValidationError.field('credential.issuer', `must be ${did}, the DID of ${id}`);
      const signed = await signAsInstitution({ keyVault: deps.keyVault, publicUrl: deps.publicUrl, documentLoader: services.documentLoader }, institution, credential);
      // the exchange keeps no copy of a caller-composed credential, but it records that it signed one
      const at = (deps.clock ?? systemClock).now().toISOString();
      await deps.store.table.transact([
        deps.store.audit.entry({
          at,
          actor: actorOf(principalOf(c)),
          action: 'credential.sign-composed',
          institution: id,
          target: `institutions/${id}/vc-api/credentials/${typeof credential.id === 'string' ? credential.id : 'unidentified'}`,
          requestId: c.get('requestId'),
          details: { type: credential.type ?? null, verificationMethod: (signed as { proof?: { verificationMethod?: string } }).proof?.verificationMethod ?? null },
        }),
      ]);
      return c.json({ verifiableCredential: signed as Record<string, unknown> }, 201);
    },
  );

  return app;
}
