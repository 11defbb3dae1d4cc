/**
 * `/credentials/{shareId}`: a credential its student shared. People see its verification in
 * plain words; `/credentials/{shareId}.json` (or `Accept: application/json`) serves the
 * signed credential to any verifier, across origins, so `/verify?url=` can fetch it in the
 * browser. A withdrawn share answers 410, an unknown one 404.
 */
import type { Context } from 'hono';
import { PROBLEM_CONTENT_TYPE } from '@cx/http';
import { verdictOf } from './credential-view.js';
import { render, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { VerificationResult } from './verification-result.js';

/** Share ids are 22 base64url characters. */
const SHARE_ID = /^[\w-]{10,64}$/;

export function registerSharePages(app: PagesApp, { deps, services }: PagesContext) {
  app.get('/credentials/:ref', async (c) => {
    const ref = c.req.param('ref');
    const wantsJson = ref.endsWith('.json') || prefersJson(c.req.header('accept'));
    const shareId = ref.replace(/\.json$/, '');
    const lookup = SHARE_ID.test(shareId) ? await services.student.openShare(shareId) : ({ state: 'unknown' } as const);
    if (wantsJson) c.header('access-control-allow-origin', '*');
    if (lookup.state !== 'shared') {
      const gone = lookup.state === 'withdrawn';
      if (wantsJson) {
        const status = gone ? 410 : 404;
        const problem = gone
          ? { type: '/problems/withdrawn', title: 'Withdrawn', status, detail: 'its holder withdrew this share link' }
          : { type: '/problems/not-found', title: 'Not found', status, detail: 'no credential is shared at this link' };
        c.header('content-type', PROBLEM_CONTENT_TYPE);
        return c.body(JSON.stringify({ ...problem, requestId: c.get('requestId') }), status);
      }
      return notShared(c, gone);
    }
    if (wantsJson) {
      c.header('content-type', 'application/json; charset=utf-8');
      c.header('vary', 'accept');
      return c.body(JSON.stringify(lookup.credential.credential));
    }
    const vc = lookup.credential.credential;
    const verification = await services.verifier.verify(vc);
    const member = await deps.store.institutions.get(lookup.credential.institution);
    const verdict = verdictOf(vc, verification);
    const jsonHref = `/credentials/${shareId}.json`;
    c.header('vary', 'accept');
    return render(
      c,
      { title: `${verdict.ok ? 'Verified' : 'Not verified'}: a shared credential`, section: 'verify' },
      <>
        <h1>A shared credential</h1>
        <p class="lead">Its holder shared this credential with you. The exchange checked it just now, as you opened this page.</p>
        <VerificationResult credential={vc} verification={verification} verdict={verdict} member={member} />
        <h2>For verifiers</h2>
        <p>
          The signed credential is at <a href={jsonHref}>{`${deps.publicUrl}${jsonHref}`}</a> (JSON). Check it with any verifier, or{' '}
          <a href={`/verify?url=${encodeURIComponent(`${deps.publicUrl}${jsonHref}`)}`}>verify it again on the verify page</a>.
        </p>
      </>,
    );
  });
}

/** `Accept: application/json` (or JSON-LD) ahead of HTML. */
function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = accept.search(/application\/(ld\+)?json/);
  const html = accept.indexOf('text/html');
  return json >= 0 && (html < 0 || json < html);
}

function notShared(c: Context<PagesEnv>, withdrawn: boolean) {
  const title = withdrawn ? 'This share link was withdrawn' : 'No credential at this link';
  return render(
    c,
    { title, section: 'verify', status: withdrawn ? 410 : 404 },
    <>
      <h1>{title}</h1>
      <p>
        {withdrawn
          ? 'The holder of the credential withdrew this link, so it no longer shows the credential.'
          : 'No credential is shared at this link. Check that you have the whole link.'}{' '}
        Ask the holder for a new link, or for the credential itself, and check it on the <a href="/verify">verify page</a>.
      </p>
    </>,
  );
}
