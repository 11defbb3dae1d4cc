/**
 * `/claim/{token}`: the link in a claim notice. While it works it opens the student's
 * credential with every holding action (holding-actions.tsx); a link that expired, was
 * replaced by a newer notice, or never existed answers a page saying how to get a new one.
 */
import type { Context } from 'hono';
import { registerHoldingRoutes, type HoldingScope } from './holding-actions.js';
import { render, type PagesApp, type PagesContext, type PagesEnv } from './page.js';

/** Claim tokens are 43 base64url characters; anything much longer is not worth hashing. */
const TOKEN_LENGTH_MAX = 200;

export function registerClaimPages(app: PagesApp, ctx: PagesContext) {
  const student = ctx.services.student;

  async function resolveClaim(c: Context<PagesEnv>): Promise<HoldingScope | Response> {
    const token = c.req.param('token') ?? '';
    const lookup = token.length <= TOKEN_LENGTH_MAX ? await student.openClaim(token) : ({ state: 'unknown' } as const);
    if (lookup.state !== 'valid') return deadLink(c, lookup.state);
    const base = `/claim/${encodeURIComponent(token)}`;
    return { holding: lookup.holding, base, transferHref: `/transfer?claim=${encodeURIComponent(token)}`, via: 'claim', expiresAt: lookup.expiresAt };
  }

  registerHoldingRoutes(app, ctx, '/claim/:token', resolveClaim);
}

const DEAD_LINKS = {
  expired: { status: 410, title: 'This claim link has expired', why: 'Claim links work for a limited time, and this one is over.' },
  replaced: { status: 410, title: 'This claim link was replaced', why: 'Your university sent you a newer link for this credential, so this one no longer works. Use the link in the newest message.' },
  unknown: { status: 404, title: 'This claim link does not work', why: 'There is no credential behind this link. It may have been copied incompletely: check that you used the whole link from the message.' },
} as const;

/** A claim link that does not open anything: why, and the two ways to a working one. */
function deadLink(c: Context<PagesEnv>, state: keyof typeof DEAD_LINKS) {
  const page = DEAD_LINKS[state];
  return render(
    c,
    { title: page.title, section: 'home', status: page.status },
    <>
      <h1>{page.title}</h1>
      <p>{page.why}</p>
      <h2>How to get to your credential</h2>
      <ul>
        <li>
          <a href="/my">Sign in at My credentials</a> with the email address the credential was issued to: a sign-in link is sent to it, and every credential issued to that
          address is there.
        </li>
        <li>Or ask the university that issued the credential to send you a new claim link.</li>
      </ul>
    </>,
  );
}
