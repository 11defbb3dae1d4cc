/**
 * Institutions: onboarding, the member list (the consortium's trust registry, also as a DCC
 * issuer registry), DID documents, signing-key rotation, API keys, suspension, and the audit log.
 */
import { institutionRoutes as routes, registerSecurity } from '@cx/contract';
import { institutionDidDocument, systemClock, UnauthorizedError } from '@cx/domain';
import { createApiApp, principalOf, requestContext, type AuthDeps } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import { InstitutionService } from '@cx/core';
import { registerRegistryRoutes } from './registry.js';

export type InstitutionsAppDeps = ExchangeDeps;

export function createInstitutionsApp(deps: InstitutionsAppDeps) {
  const auth: AuthDeps = { store: deps.store, adminTokenHash: deps.adminTokenHash };
  const service = new InstitutionService({ ...deps, clock: deps.clock ?? systemClock });
  const app = createApiApp({ auth, log: deps.log });
  registerSecurity(app);

  app.openapi(
    routes.onboard,
    async (c) => {
      const { institution, apiKey } = await service.onboard(c.req.valid('json'), requestContext(c));
      c.header('location', `/v1/institutions/${institution.id}`);
      return c.json({ institution: service.toView(institution), apiKey }, 201);
    },
  );

  app.openapi(
    routes.list,
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await deps.store.institutions.list(limit, cursor);
      return c.json({ items: page.items.map((i) => service.toView(i)), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    routes.get,
    async (c) => c.json(service.toView(await service.get(c.req.valid('param').id)), 200),
  );

  app.openapi(
    routes.didDocument,
    async (c) => {
      const institution = await service.get(c.req.valid('param').id);
      c.header('cache-control', 'public, max-age=300');
      return c.json(institutionDidDocument(deps.publicUrl, institution), 200);
    },
  );

  app.openapi(
    routes.rotateKey,
    async (c) => {
      return c.json(service.toView(await service.rotateKey(c.req.valid('param').id, requestContext(c))), 200);
    },
  );

  app.openapi(
    routes.createApiKey,
    async (c) => {
      return c.json(await service.createApiKey(c.req.valid('param').id, requestContext(c)), 201);
    },
  );

  app.openapi(
    routes.revokeApiKey,
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      await service.revokeApiKey(id, keyId, requestContext(c));
      return c.body(null, 204);
    },
  );

  app.openapi(
    routes.revokeAllApiKeys,
    async (c) => c.json({ revoked: await service.revokeAllApiKeys(c.req.valid('param').id, requestContext(c)) }, 200),
  );

  for (const [route, status] of [
    [routes.suspend, 'suspended'],
    [routes.reinstate, 'active'],
  ] as const) {
    app.openapi(
      route,
      async (c) => {
        return c.json(service.toView(await service.setStatus(c.req.valid('param').id, status, requestContext(c))), 200);
      },
    );
  }

  app.openapi(
    routes.whoAmI,
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
    routes.audit,
    async (c) => {
      const { limit, cursor, institution } = c.req.valid('query');
      return c.json(await deps.store.audit.list({ institution }, limit, cursor), 200);
    },
  );

  // the member list again, as the issuer registry stock verifiers read
  registerRegistryRoutes(app, deps);

  return app;
}
