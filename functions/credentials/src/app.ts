/**
 * Credentials: issuing Open Badges 3.0 credentials for catalogue entries, reading what an
 * institution issued, revoking and suspending, notices to students, graduation runs, and
 * the VC API's issue and status endpoints. Every route here belongs to one institution and needs its key.
 */
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import { COPIES_IN_VIEW, credentialRoutes as routes, registerSecurity, type copyViewSchema, type credentialViewSchema, type noticeViewSchema } from '@cx/contract';
import {
  credentialServices,
  recipientLookup,
  requireActiveMember,
  requireMember,
  statusAfter,
  statusBits,
  type CredentialServices,
  type ServiceOptions,
} from '@cx/core';
import { actorOf, NotFoundError, recipientKind } from '@cx/domain';
import { createApiApp, principalOf, requestContext, type ApiEnv } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { CopyRecord, CredentialRecord, NoticeRecord } from '@cx/domain';

/** A graduation run of 10,000 items is a few MB; Lambda takes 6 MB. */
const BATCH_BODY_LIMIT = 6 * 1024 * 1024 - 64 * 1024;

const normaliseId = (id: string) => (id.startsWith('urn:uuid:') ? id : `urn:uuid:${id}`);

/** What an institution sees of a credential it issued. */
const view = (record: CredentialRecord): z.infer<typeof credentialViewSchema> => ({
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

/** What an institution sees of a holder copy: who holds it and how it got there (the signed copy stays in the store). */
const copyView = (record: CopyRecord): z.infer<typeof copyViewSchema> => ({
  copyId: record.copyId,
  holderDid: record.holderDid,
  protocol: record.protocol,
  issuedAt: record.issuedAt,
});

/** What an institution sees of a notice: never the address, nor its hash. */
const noticeView = (record: NoticeRecord): z.infer<typeof noticeViewSchema> => ({
  id: record.id,
  state: record.state,
  createdAt: record.createdAt,
  sentAt: record.sentAt,
  eventAt: record.eventAt,
  failure: record.failure,
});

export function createCredentialsApp(deps: ExchangeDeps, options: ServiceOptions & { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps, options);
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    log: deps.log,
    largeBodies: (path) => (path.endsWith('/credential-batches') ? BATCH_BODY_LIMIT : undefined),
  });
  registerSecurity(app);

  const findCredential = async (institution: string, credentialId: string) => {
    const record = await deps.store.credentials.get(institution, normaliseId(credentialId), true);
    if (!record) throw new NotFoundError(`${institution} issued no credential ${credentialId}`);
    return record;
  };

  app.openapi(
    routes.issue,
    async (c) => {
      const { id } = c.req.valid('param');
      const result = await services.issuer.issue(id, c.req.valid('json'), {
        ...requestContext(c),
        idempotencyKey: c.req.valid('header')['idempotency-key'],
      });
      c.header('location', `/v1/institutions/${id}/credentials/${result.id}`);
      return c.json({ id: result.id, credential: result.credential }, 201);
    },
  );

  app.openapi(
    routes.listForRecipient,
    async (c) => {
      const { id } = c.req.valid('param');
      const { recipient, limit, cursor } = c.req.valid('query');
      const kind = recipientKind(recipient);
      const lookup = recipientLookup(kind === 'did' ? { did: recipient } : kind === 'email' ? { email: recipient } : { studentId: recipient });
      const page = await deps.store.credentials.listByRecipient(id, lookup, limit, cursor);
      return c.json({ items: page.items.map(view), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    routes.get,
    async (c) => {
      const { id, credentialId } = c.req.valid('param');
      const record = await findCredential(id, credentialId);
      const copies = await deps.store.copies.ofCredential(id, record.id, COPIES_IN_VIEW);
      return c.json({ ...view(record), copies: copies.items.map(copyView) }, 200);
    },
  );

  app.openapi(
    routes.changeStatus,
    async (c) => {
      const { id, credentialId } = c.req.valid('param');
      const { status, reason } = c.req.valid('json');
      const institution = await requireMember(deps.store, id);
      const record = await findCredential(id, credentialId);
      const changed = await services.status.change(institution, record, status, reason, requestContext(c));
      return c.json(view(changed), 200);
    },
  );

  app.openapi(
    routes.sendNotice,
    async (c) => {
      const { id, credentialId } = c.req.valid('param');
      const notice = await services.notices.resend(id, normaliseId(credentialId), {
        ...requestContext(c),
        idempotencyKey: c.req.valid('header')['idempotency-key'],
      });
      return c.json({ id: notice.id, state: notice.state, createdAt: notice.createdAt }, 202);
    },
  );

  app.openapi(
    routes.listNotices,
    async (c) => {
      const { id, credentialId } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const page = await services.notices.list(id, normaliseId(credentialId), limit, cursor);
      return c.json({ items: page.items.map(noticeView), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    routes.submitBatch,
    async (c) => {
      const { id } = c.req.valid('param');
      await requireActiveMember(deps.store, id, 'can issue nothing new');
      const { items, notify } = c.req.valid('json');
      const batch = await services.batches.submit(id, items, actorOf(principalOf(c)), {
        requestId: c.get('requestId'),
        idempotencyKey: c.req.valid('header')['idempotency-key'],
        notify,
      });
      // a repeated start answers the first run as it is now
      const status = batch.replayed ? ((await services.batches.view(id, batch.id, { limit: 1 }))?.status ?? 'queued') : 'queued';
      c.header('location', `/v1/institutions/${id}/credential-batches/${batch.id}`);
      return c.json({ id: batch.id, status, total: batch.total }, 202);
    },
  );

  app.openapi(
    routes.batchProgress,
    async (c) => {
      const { id, batchId } = c.req.valid('param');
      const batch = await services.batches.view(id, batchId, c.req.valid('query'));
      if (!batch) throw new NotFoundError(`${id} has no credential batch ${batchId}`);
      return c.json(batch, 200);
    },
  );

  app.openapi(
    routes.vcApiIssue,
    async (c) => {
      const { id } = c.req.valid('param');
      const { credential, options } = c.req.valid('json');
      const signed = await services.issuer.signComposed(id, credential, requestContext(c), options);
      return c.json({ verifiableCredential: signed }, 201);
    },
  );

  app.openapi(
    routes.vcApiStatus,
    async (c) => {
      const { id } = c.req.valid('param');
      const { credentialId, credentialStatus } = c.req.valid('json');
      const institution = await requireMember(deps.store, id);
      // the VC API names a credential by its id exactly; a bare UUID also finds a urn:uuid id
      const record =
        (await deps.store.credentials.get(id, credentialId, true)) ??
        (/^[0-9a-f-]{36}$/.test(credentialId) ? await deps.store.credentials.get(id, normaliseId(credentialId), true) : undefined);
      if (!record) throw new NotFoundError(`${id} issued no credential ${credentialId}`);
      const to = statusAfter(record, credentialStatus);
      const changed = await services.status.change(institution, record, to, 'set through the VC API', requestContext(c));
      return c.json(statusBits(changed), 200);
    },
  );

  return app;
}
