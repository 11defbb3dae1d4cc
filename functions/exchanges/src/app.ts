/**
 * VC API exchanges with wallets: a claim's credential into a wallet (a holder copy for the
 * DID the wallet proves), and credentials out of a wallet into a transfer. Public routes: the
 * exchange id in the URL is the capability, made for one claim or one transfer page.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { exchangeRoutes as routes } from '@cx/contract';
import { credentialServices, type CredentialServices } from '@cx/core';
import { clientAddress, createApiApp, requestContext, type ApiEnv } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';

/** A presentation of a transfer's 50 credentials is about 300 KB of JSON; each credential is bounded by the credential budget. */
const EXCHANGE_BODY_LIMIT = 2 * 1024 * 1024;

export function createExchangesApp(deps: ExchangeDeps, options: { services?: CredentialServices } = {}): OpenAPIHono<ApiEnv> {
  const services = options.services ?? credentialServices(deps);
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    log: deps.log,
    largeBodies: (path) => (path.startsWith('/exchanges/') ? EXCHANGE_BODY_LIMIT : undefined),
  });

  app.openapi(routes.participate, async (c) => {
    const { exchangeId } = c.req.valid('param');
    const answer = await services.vcApiExchanges.participate(exchangeId, c.req.valid('json'), { ...requestContext(c), clientAddress: clientAddress(c) });
    // the answer carries a credential or a one-time request: never cached
    c.header('cache-control', 'no-store');
    return c.json(answer, 200);
  });

  app.openapi(routes.interaction, async (c) => {
    const { exchangeId } = c.req.valid('param');
    c.header('cache-control', 'no-store');
    return c.json(await services.vcApiExchanges.protocols(exchangeId), 200);
  });

  return app;
}
