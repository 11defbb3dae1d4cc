/**
 * Recognition and transfer: agreements between partners, transfers that students (without
 * a key) or receiving institutions submit, justified decisions, appeals, and the signed
 * recognition record.
 */
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import { recognitionRoutes as routes, registerSecurity, type transferViewSchema } from '@cx/contract';
import { credentialServices, type CredentialServices } from '@cx/core';
import { etagOf } from '@cx/domain';
import { clientAddress, createApiApp, requestContext, type ApiEnv } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { TransferRecord } from '@cx/domain';

/** 50 signed credentials are about 300 KB of JSON. */
const TRANSFER_BODY_LIMIT = 2 * 1024 * 1024;

/** A transfer as the routes answer it, typed by the contract's schema: its items without their stored `source` and `appeal`. */
const view = (t: TransferRecord, extra: { trackingToken?: string; trackingUrl?: string } = {}): z.infer<typeof transferViewSchema> => ({
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

export function createRecognitionApp(deps: ExchangeDeps, options: { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps);
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    log: deps.log,
    largeBodies: (path) => (/\/transfers$/.test(path) ? TRANSFER_BODY_LIMIT : undefined),
  });
  registerSecurity(app);

  app.openapi(
    routes.putAgreement,
    async (c) => {
      const { id, agreementId } = c.req.valid('param');
      const { agreement, created } = await services.agreements.put(id, agreementId, c.req.valid('json'), c.req.header('if-match'), requestContext(c));
      c.header('etag', etagOf(agreement.version));
      return c.json(agreement, created ? 201 : 200);
    },
  );

  app.openapi(
    routes.getAgreement,
    async (c) => {
      const { id, agreementId } = c.req.valid('param');
      const agreement = await services.agreements.get(id, agreementId);
      c.header('etag', etagOf(agreement.version));
      return c.json(agreement, 200);
    },
  );

  app.openapi(
    routes.listAgreements,
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      return c.json(await services.agreements.list({ institution: id }, limit, cursor), 200);
    },
  );

  app.openapi(
    routes.searchAgreements,
    async (c) => {
      const { limit, cursor, institution, partner } = c.req.valid('query');
      return c.json(await services.agreements.list({ institution, partner }, limit, cursor), 200);
    },
  );

  app.openapi(
    routes.submitTransfer,
    async (c) => {
      const { id } = c.req.valid('param');
      const { transfer, trackingToken } = await services.transfers.submit(id, c.req.valid('json'), {
        ...requestContext(c),
        clientAddress: clientAddress(c),
      });
      c.header('location', `/v1/institutions/${id}/transfers/${transfer.id}`);
      const tracking = trackingToken ? { trackingToken, trackingUrl: `${deps.publicUrl}/v1/transfers/${transfer.id}?token=${trackingToken}` } : {};
      return c.json(view(transfer, tracking), 201);
    },
  );

  app.openapi(
    routes.listTransfers,
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor, status } = c.req.valid('query');
      const page = await deps.store.transfers.list(id, status, limit, cursor);
      return c.json({ items: page.items.map((t) => view(t)), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    routes.getTransfer,
    async (c) => {
      const { id, transferId } = c.req.valid('param');
      return c.json(view(await services.transfers.get(id, transferId)), 200);
    },
  );

  app.openapi(
    routes.decide,
    async (c) => {
      const { id, transferId } = c.req.valid('param');
      return c.json(view(await services.transfers.decide(id, transferId, c.req.valid('json'), requestContext(c))), 200);
    },
  );

  app.openapi(
    routes.appeal,
    async (c) => {
      const { id, transferId } = c.req.valid('param');
      const { token } = c.req.valid('query');
      return c.json(view(await services.transfers.appeal(id, transferId, c.req.valid('json'), { ...requestContext(c), token })), 200);
    },
  );

  app.openapi(
    routes.studentView,
    async (c) => {
      const { transferId } = c.req.valid('param');
      return c.json(view(await services.transfers.getForStudent(transferId, c.req.valid('query').token)), 200);
    },
  );

  return app;
}
