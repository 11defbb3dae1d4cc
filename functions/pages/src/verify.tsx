/**
 * `/verify`: paste a credential, choose or drop a file, or open `/verify?url=<address>`
 * (the browser fetches it; the exchange never fetches addresses it is given). The form posts
 * to the page itself and the verifier service checks it, so it works without JavaScript.
 * The issuer is named as the member list names it, never as the credential names itself.
 */
import { credentialBudgetIssue } from '@cx/credentials';
import type { I18n } from '@cx/i18n';
import { verdictOf } from './credential-view.js';
import { i18nOf, useI18n } from './i18n.js';
import { ErrorSummary, FileField, TextArea, type FieldErrors } from './layout.js';
import { render, text, type PagesApp, type PagesContext } from './page.js';
import { VerificationResult } from './verification-result.js';

const labels = ({ t }: I18n) => ({ credential: t('verify.label.credential'), file: t('verify.label.file') });

export function registerVerifyPages(app: PagesApp, { deps, services }: PagesContext) {
  app.get('/verify', (c) => {
    const i18n = i18nOf(c);
    const url = c.req.query('url');
    if (url === undefined) return render(c, { title: i18n.t('verify.title'), section: 'verify' }, <VerifyForm />);
    const fetchUrl = httpUrl(url);
    const errors: FieldErrors = fetchUrl ? {} : { credential: i18n.t('verify.error.url') };
    return render(c, { title: i18n.t('verify.title'), section: 'verify', status: fetchUrl ? 200 : 400 }, <VerifyForm fetchUrl={fetchUrl} errors={errors} />);
  });

  app.post('/verify', async (c) => {
    const i18n = i18nOf(c);
    const form = await c.req.parseBody();
    const file = form.file instanceof File && form.file.size > 0 ? form.file : undefined;
    const pasted = text(form.credential);
    const source = file ? await file.text() : pasted;
    const field = file ? 'file' : 'credential';

    const parsed = parseCredential(source, i18n);
    if ('error' in parsed) {
      return render(
        c,
        { title: i18n.t('form.errorTitle', { title: i18n.t('verify.title') }), section: 'verify', status: parsed.status },
        <VerifyForm errors={{ [field]: parsed.error }} value={pasted} />,
      );
    }
    const verification = await services.verifier.verify(parsed.credential);
    const member = verification.issuer ? await deps.store.institutions.get(verification.issuer.id) : undefined;
    const verdict = verdictOf(parsed.credential, verification, i18n);
    return render(
      c,
      { title: i18n.t(verdict.ok ? 'verify.resultTitle.ok' : 'verify.resultTitle.bad', { headline: verdict.headline }), section: 'verify' },
      <>
        <h1>{i18n.t('verify.result')}</h1>
        <VerificationResult credential={parsed.credential} verification={verification} verdict={verdict} member={member} />
        <h2>{i18n.t('verify.another')}</h2>
        <VerifyForm nested />
      </>,
    );
  });
}

function httpUrl(value: string): string | undefined {
  if (value.length > 2000) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The pasted or uploaded credential, or why it cannot be checked: 400, or 413 when it is beyond the credential budget. */
function parseCredential(source: string, { t }: I18n): { credential: Record<string, unknown> } | { error: string; status: 400 | 413 } {
  if (source.trim() === '') return { error: t('verify.error.empty'), status: 400 };
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return { error: t('verify.error.json', { reason: (error as Error).message }), status: 400 };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: t('verify.error.notObject'), status: 400 };
  }
  // before any JSON-LD work: its cost grows faster than the credential (see credential-budget.ts)
  const issue = credentialBudgetIssue(value);
  if (issue) {
    // the budget's own reason is English: it names JSON fields and limits
    const error =
      issue.field === '(body)' ? t('verify.error.budget', { reason: issue.message }) : t('verify.error.budgetField', { field: issue.field, reason: issue.message });
    return { error, status: issue.kind === 'too-large' ? 413 : 400 };
  }
  return { credential: value as Record<string, unknown> };
}

function VerifyForm(props: { errors?: FieldErrors; value?: string; fetchUrl?: string; nested?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const errors = props.errors ?? {};
  return (
    <>
      {props.nested ? null : (
        <>
          <h1>{t('verify.title')}</h1>
          <p class="lead">{t('verify.lead')}</p>
        </>
      )}
      <ErrorSummary errors={errors} labels={labels(i18n)} />
      {props.fetchUrl ? (
        <div class="notice">
          <p id="fetch-status" role="status" aria-live="polite">
            {t('verify.fetch.noScript', { url: props.fetchUrl })}
          </p>
        </div>
      ) : null}
      <form
        method="post"
        action="/verify"
        enctype="multipart/form-data"
        data-fetch-url={props.fetchUrl}
        data-fetching={t('verify.fetch.fetching', { url: '{url}' })}
        data-fetched={t('verify.fetch.fetched')}
        data-fetch-failed={t('verify.fetch.failed', { url: '{url}', reason: '{reason}' })}
        data-fetch-status={t('verify.fetch.status', { status: '{status}' })}
      >
        <TextArea id="credential" label={t('verify.field.credential')} hint={t('verify.field.credentialHint')} value={props.value} rows={10} error={errors.credential} />
        <div class="drop" data-drop="credential">
          <FileField id="file" label={t('verify.field.file')} hint={t('verify.field.fileHint')} accept=".json,.jsonld,application/json,application/ld+json" error={errors.file} />
          <p id="drop-status" class="hint" role="status" aria-live="polite" data-read={t('verify.drop.read', { file: '{file}', n: '{n}' })} data-unreadable={t('verify.drop.unreadable', { file: '{file}' })}></p>
        </div>
        <button type="submit">{t('verify.submit')}</button>
      </form>
    </>
  );
}
