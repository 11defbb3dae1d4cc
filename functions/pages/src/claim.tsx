/**
 * `/claim/{token}`: the link in a claim notice. While it works it opens the student's
 * credential with every holding action (holding-actions.tsx); a link that expired, was
 * replaced by a newer notice, or never existed answers a page saying how to get a new one.
 * `/claim/{token}/credential-offer` is the OpenID4VCI credential offer of its credential,
 * for a wallet (JSON, with a new pre-authorized code on every fetch).
 */
import type { Context } from 'hono';
import type { ClaimLookup } from '@cx/core';
import { PROBLEM_CONTENT_TYPE } from '@cx/http';
import { registerHoldingRoutes, type HoldingScope } from './holding-actions.js';
import { i18nOf } from './i18n.js';
import { render, type PagesApp, type PagesContext, type PagesEnv } from './page.js';

/** Claim tokens are 43 base64url characters; anything much longer is not worth hashing. */
const TOKEN_LENGTH_MAX = 200;

export function registerClaimPages(app: PagesApp, ctx: PagesContext) {
  const { deps, services } = ctx;

  const lookUp = (token: string): Promise<ClaimLookup> => (token.length <= TOKEN_LENGTH_MAX ? services.student.openClaim(token) : Promise.resolve({ state: 'unknown' }));

  async function resolveClaim(c: Context<PagesEnv>): Promise<HoldingScope | Response> {
    const token = c.req.param('token') ?? '';
    const lookup = await lookUp(token);
    if (lookup.state !== 'valid') return deadLink(c, lookup.state);
    const base = `/claim/${encodeURIComponent(token)}`;
    return {
      holding: lookup.holding,
      base,
      transferHref: `/transfer?claim=${encodeURIComponent(token)}`,
      via: 'claim',
      expiresAt: lookup.expiresAt,
      openUntil: lookup.expiresAt,
      offerUri: `${deps.publicUrl}${base}/credential-offer`,
    };
  }

  // a wallet fetches this from anywhere (CORS open), and each answer holds a new code: never cached
  app.get('/claim/:token/credential-offer', async (c) => {
    const lookup = await lookUp(c.req.param('token'));
    c.header('access-control-allow-origin', '*');
    c.header('cache-control', 'no-store');
    if (lookup.state !== 'valid') {
      const { status, title, why } = DEAD_LINKS[lookup.state];
      const type = lookup.state === 'unknown' ? '/problems/not-found' : `/problems/claim-${lookup.state}`;
      c.header('content-type', PROBLEM_CONTENT_TYPE);
      return c.body(JSON.stringify({ type, title, status, detail: why, requestId: c.get('requestId') }), status);
    }
    const { institution, credentialId } = lookup.holding.delivery;
    return c.json(await services.oid4vci.offer({ institution, credentialId }));
  });

  registerHoldingRoutes(app, ctx, '/claim/:token', resolveClaim);
}

const DEAD_LINKS = {
  expired: { status: 410, title: 'This claim link has expired', why: 'Claim links work for a limited time, and this one is over.' },
  replaced: { status: 410, title: 'This claim link was replaced', why: 'Your university sent you a newer link for this credential, so this one no longer works. Use the link in the newest message.' },
  unknown: { status: 404, title: 'This claim link does not work', why: 'There is no credential behind this link. It may have been copied incompletely: check that you used the whole link from the message.' },
} as const;

/** A claim link that does not open anything: why, and the two ways to a working one. */
function deadLink(c: Context<PagesEnv>, state: keyof typeof DEAD_LINKS) {
  const { t } = i18nOf(c);
  const page = DEAD_LINKS[state];
  const title = t(`claim.${state}.title`);
  return render(
    c,
    { title, section: 'home', status: page.status },
    <>
      <h1>{title}</h1>
      <p>{t(`claim.${state}.why`)}</p>
      <h2>{t('claim.howTo')}</h2>
      <ul>
        <li>
          <a href="/my">{t('claim.signIn')}</a> {t('claim.signInText')}
        </li>
        <li>{t('claim.askUniversity')}</li>
      </ul>
    </>,
  );
}
