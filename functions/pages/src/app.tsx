/**
 * The exchange's pages for people: verify a credential, browse the consortium's catalogue,
 * carry credits to another university, and, for students, claim, share and keep what they
 * were issued (`/claim`, `/credentials`, `/my`), in a wallet app too (`/transfer/wallet`). Server-rendered with hono's JSX over the same
 * services the API uses; every form works without JavaScript, and a small script helps
 * where it can (dropping a file, fetching `/verify?url=` in the browser).
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { CatalogueService, credentialServices, type CredentialServices } from '@cx/core';
import { PayloadTooLargeError, systemClock } from '@cx/domain';
import { closeAfter, logOf, requestIds, requestLog, toProblem } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import { ASSETS } from './assets.js';
import { registerCataloguePages } from './catalogue.js';
import { registerClaimPages } from './claim.js';
import { registerMyPages } from './my.js';
import { render, type PagesContext, type PagesEnv } from './page.js';
import { registerSharePages } from './share.js';
import { registerTransferPages } from './transfer.js';
import { registerVerifyPages } from './verify.js';
import { registerPresentFromWallet } from './wallet.js';

/** A pasted credential is a few KB; a transfer carries up to 50 of them (about 300 KB), as files. */
const BODY_LIMITS: Array<[RegExp, number]> = [
  [/^\/transfer$/, 3 * 1024 * 1024],
  [/^\//, 512 * 1024],
];

/**
 * Only this site's own scripts and styles; `connect-src` lets `/verify?url=` fetch a
 * credential from wherever its holder keeps it (the browser fetches it, never the exchange).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' https: http:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PagesOptions {
  /** Share the credential services (verifier, transfers) with the other apps of the process. */
  services?: CredentialServices;
}

/**
 * The pages app: `/`, `/verify`, `/catalogue`, `/transfer`, `/claim`, `/credentials`, `/my` and their assets, as the topology
 * routes them to the `pages` function.
 *
 * @example
 * const app = createPagesApp(deps, { services: credentialServices(deps) });
 * const page = await app.request('/catalogue?kind=components&field=0613');
 */
export function createPagesApp(deps: ExchangeDeps, options: PagesOptions = {}): Hono<PagesEnv> {
  const ctx: PagesContext = {
    deps,
    services: options.services ?? credentialServices(deps),
    catalogue: new CatalogueService({ store: deps.store, clock: deps.clock ?? systemClock }),
  };
  const publicOrigin = new URL(deps.publicUrl).origin;
  const app = new Hono<PagesEnv>();

  app.use('*', requestIds());
  if (deps.log) app.use('*', requestLog(deps.log));
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', CONTENT_SECURITY_POLICY);
    c.header('x-content-type-options', 'nosniff');
    // tracking links carry the student's token: never hand it on to another site
    c.header('referrer-policy', 'no-referrer');
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.use('*', (c, next) => {
    const maxSize = BODY_LIMITS.find(([path]) => path.test(c.req.path))![1];
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(`what was sent is larger than ${Math.round(maxSize / 1024)} KB`);
      },
    })(c, next);
  });
  // forms that change something are keyless and public: a form posted from another site is
  // refused by its Origin (or Sec-Fetch-Site), so no other site can act in a student's name
  app.use('*', csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin }));

  app.onError((error, c) => errorPage(error, c));
  app.notFound((c) =>
    render(
      c,
      { title: 'Page not found', section: 'home', status: 404 },
      <>
        <h1>Page not found</h1>
        <p>
          There is no page at <code>{c.req.path}</code>. Try the <a href="/">start page</a>.
        </p>
      </>,
    ),
  );

  app.get('/assets/:file', (c) => {
    const asset = ASSETS.get(c.req.path);
    if (!asset) return c.notFound();
    c.header('content-type', asset.contentType);
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(asset.body);
  });

  app.get('/', (c) =>
    render(
      c,
      { title: 'Start', section: 'home' },
      <>
        <h1>Credits and credentials across the consortium</h1>
        <p class="lead">The partner universities publish what they teach in small pieces, issue signed credentials for them, and recognise each other's credits.</p>
        <ul>
          <li>
            <a href="/verify">Verify a credential</a>: check that a credential is genuine, who issued it and what it is worth.
          </li>
          <li>
            <a href="/catalogue">Browse the catalogue</a>: micro-components, micro-degrees and badges of every member.
          </li>
          <li>
            <a href="/transfer">Transfer your credits</a>: ask another member university to recognise your credentials, and follow the decision.
          </li>
          <li>
            <a href="/my">My credentials</a>: every credential issued to your email address, to download, share or transfer.
          </li>
        </ul>
      </>,
    ),
  );

  registerVerifyPages(app, ctx);
  registerCataloguePages(app, ctx);
  registerTransferPages(app, ctx);
  registerPresentFromWallet(app, ctx);
  registerClaimPages(app, ctx);
  registerSharePages(app, ctx);
  registerMyPages(app, ctx);
  return app;
}

/** The one mapping from errors to pages: the API's problem mapping, shown as HTML. */
function errorPage(error: unknown, c: Context<PagesEnv>) {
  const requestId = c.get('requestId');
  if (error instanceof HTTPException && error.status === 403) {
    return render(
      c,
      { title: 'Form refused', section: 'home', status: 403 },
      <>
        <h1>This form was refused</h1>
        <p>It was not sent from a page of this site, so it was refused to protect you from other sites acting in your name. Open the form on this site and send it again.</p>
      </>,
    );
  }
  const problem = toProblem(error, requestId);
  if (problem.status >= 500) {
    logOf(c).error('page request failed with an unexpected error', { requestId, path: c.req.path, error });
  }
  for (const [name, value] of Object.entries(closeAfter(problem.status))) c.header(name, value);
  return render(
    c,
    { title: problem.title, section: 'home', status: problem.status },
    <>
      <h1>{problem.title}</h1>
      <p>{problem.detail}</p>
      <p class="meta">
        Request id: <code>{requestId}</code>
      </p>
    </>,
  );
}
