/**
 * `/credentials/{shareId}`: a credential its student shared. People see its verification in
 * plain words; `/credentials/{shareId}.json` (or `Accept: application/json`) serves the
 * signed credential to any verifier, across origins, so `/verify?url=` can fetch it in the
 * browser. A withdrawn share answers 410, an unknown one 404.
 */
import type { Context } from 'hono';
import { PROBLEM_CONTENT_TYPE } from '@cx/http';
import { verdictOf } from './credential-view.js';
import { i18nOf } from './i18n.js';
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
    const i18n = i18nOf(c);
    const { t } = i18n;
    const verdict = verdictOf(vc, verification, i18n);
    const jsonHref = `/credentials/${shareId}.json`;
    c.header('vary', 'accept');
    return render(
      c,
      { title: t(verdict.ok ? 'share.title.ok' : 'share.title.bad'), section: 'verify' },
      <>
        <h1>{t('share.heading')}</h1>
        <p class="lead">{t('share.lead')}</p>
        <VerificationResult credential={vc} verification={verification} verdict={verdict} member={member} />
        <h2>{t('share.verifiers')}</h2>
        <p>
          {t('share.verifiers.at')} <a href={jsonHref}>{`${deps.publicUrl}${jsonHref}`}</a> {t('share.verifiers.check')}{' '}
          <a href={`/verify?url=${encodeURIComponent(`${deps.publicUrl}${jsonHref}`)}`}>{t('share.verifiers.again')}</a>.
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
  const { t } = i18nOf(c);
  const title = withdrawn ? t('share.withdrawn') : t('share.unknown');
  return render(
    c,
    { title, section: 'verify', status: withdrawn ? 410 : 404 },
    <>
      <h1>{title}</h1>
      <p>
        {withdrawn ? t('share.withdrawn.text') : t('share.unknown.text')} {t('share.askHolder')} <a href="/verify">{t('share.verifyPage')}</a>.
      </p>
    </>,
  );
}
