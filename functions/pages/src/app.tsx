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
import { NotFoundError, PayloadTooLargeError, systemClock } from '@cx/domain';
import { closeAfter, logOf, problemResponse, requestIds, requestLog, toProblem } from '@cx/http';
import type { MessageKey } from '@cx/i18n';
import type { ExchangeDeps } from '@cx/runtime';
import { contextStorage } from 'hono/context-storage';
import { ASSETS } from './assets.js';
import { i18nOf, languages } from './i18n.js';
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

  // first: every later step and every component reads the request (its language) from it
  app.use('*', contextStorage());
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
  app.use('*', languages(deps.publicUrl));
  app.use('*', (c, next) => {
    const maxSize = BODY_LIMITS.find(([path]) => path.test(c.req.path))![1];
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(i18nOf(c).t('error.tooLarge', { kb: Math.round(maxSize / 1024) }));
      },
    })(c, next);
  });
  // forms that change something are keyless and public: a form posted from another site is
  // refused by its Origin (or Sec-Fetch-Site), so no other site can act in a student's name
  app.use('*', csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin }));

  app.onError((error, c) => errorPage(error, c));
  app.notFound((c) => notFoundPage(c));

  app.get('/assets/:file', (c) => {
    const asset = ASSETS.get(c.req.path);
    if (!asset) return c.notFound();
    c.header('content-type', asset.contentType);
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(asset.body);
  });

  app.get('/', (c) => {
    const { t } = i18nOf(c);
    return render(
      c,
      { title: t('home.title'), section: 'home' },
      <>
        <h1>{t('home.heading')}</h1>
        <p class="lead">{t('home.lead')}</p>
        <ul>
          <li>
            <a href="/verify">{t('home.verify')}</a>
            {t('home.verifyText')}
          </li>
          <li>
            <a href="/catalogue">{t('home.catalogue')}</a>
            {t('home.catalogueText')}
          </li>
          <li>
            <a href="/transfer">{t('home.transfer')}</a>
            {t('home.transferText')}
          </li>
          <li>
            <a href="/my">{t('home.my')}</a>
            {t('home.myText')}
          </li>
        </ul>
      </>,
    );
  });

  registerVerifyPages(app, ctx);
  registerCataloguePages(app, ctx);
  registerTransferPages(app, ctx);
  registerPresentFromWallet(app, ctx);
  registerClaimPages(app, ctx);
  registerSharePages(app, ctx);
  registerMyPages(app, ctx);
  return app;
}

/**
 * The answer for a path nothing serves. The topology's catch-all route sends every such
 * request here (API Gateway's `$default`, and the local gateway likewise): a browser, which
 * asks for `text/html`, gets the pages' own 404 page (title, language, viewport, a way back);
 * an API client gets the problem+json document every API answers with.
 */
export function notFoundPage(c: Context<PagesEnv>) {
  if (!wantsHtml(c.req.header('accept'))) return problemResponse(new NotFoundError(`no route for ${c.req.method} ${c.req.path}`), c);
  const { t } = i18nOf(c);
  return render(
    c,
    { title: t('error.notFound.title'), section: 'home', status: 404 },
    <>
      <h1>{t('error.notFound.title')}</h1>
      <p>{t('error.notFound.text', { path: c.req.path })}</p>
      <p>
        <a href="/">{t('error.notFound.back')}</a> {t('error.notFound.or')} <a href="/catalogue">{t('error.notFound.search')}</a>.
      </p>
    </>,
  );
}

/** A browser navigating: `text/html` asked for (at any weight above 0), not only accepted by a wildcard. */
function wantsHtml(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    return (type.trim() === 'text/html' || type.trim() === 'application/xhtml+xml') && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

const STATUS_TITLES: Record<number, MessageKey> = {
  400: 'error.status.400',
  401: 'error.status.401',
  403: 'error.status.403',
  404: 'error.status.404',
  409: 'error.status.409',
  410: 'error.status.410',
  413: 'error.status.413',
  422: 'error.status.422',
  429: 'error.status.429',
  500: 'error.status.500',
  503: 'error.status.503',
};

/** The one mapping from errors to pages: the API's problem mapping, shown as HTML in the reader's language. */
function errorPage(error: unknown, c: Context<PagesEnv>) {
  const requestId = c.get('requestId');
  const { t } = i18nOf(c);
  if (error instanceof HTTPException && error.status === 403) {
    return render(
      c,
      { title: t('error.refused.title'), section: 'home', status: 403 },
      <>
        <h1>{t('error.refused.heading')}</h1>
        <p>{t('error.refused.text')}</p>
      </>,
    );
  }
  const problem = toProblem(error, requestId);
  if (problem.status >= 500) {
    logOf(c).error('page request failed with an unexpected error', { requestId, path: c.req.path, error });
  }
  for (const [name, value] of Object.entries(closeAfter(problem.status))) c.header(name, value);
  const titleKey = STATUS_TITLES[problem.status];
  const title = titleKey ? t(titleKey as 'error.status.400') : problem.title;
  return render(
    c,
    { title, section: 'home', status: problem.status },
    <>
      <h1>{title}</h1>
      {/* the services' own words, which are English */}
      <p>{problem.detail}</p>
      <p class="meta">
        {t('error.requestId')} <code>{requestId}</code>
      </p>
    </>,
  );
}
