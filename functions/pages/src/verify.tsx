/**
 * `/verify`: paste a credential, choose or drop a file, or open `/verify?url=<address>`
 * (the browser fetches it; the exchange never fetches addresses it is given). The form posts
 * to the page itself and the verifier service checks it, so it works without JavaScript.
 * The issuer is named as the member list names it, never as the credential names itself.
 */
import { credentialBudgetIssue } from '@cx/credentials';
import { verdictOf } from './credential-view.js';
import { ErrorSummary, FileField, TextArea, type FieldErrors } from './layout.js';
import { render, text, type PagesApp, type PagesContext } from './page.js';
import { VerificationResult } from './verification-result.js';

const LABELS = { credential: 'Credential', file: 'Credential file' };

export function registerVerifyPages(app: PagesApp, { deps, services }: PagesContext) {
  app.get('/verify', (c) => {
    const url = c.req.query('url');
    if (url === undefined) return render(c, { title: 'Verify a credential', section: 'verify' }, <VerifyForm />);
    const fetchUrl = httpUrl(url);
    const errors: FieldErrors = fetchUrl ? {} : { credential: 'The address to fetch must be an http or https URL. Paste the credential instead.' };
    return render(c, { title: 'Verify a credential', section: 'verify', status: fetchUrl ? 200 : 400 }, <VerifyForm fetchUrl={fetchUrl} errors={errors} />);
  });

  app.post('/verify', async (c) => {
    const form = await c.req.parseBody();
    const file = form.file instanceof File && form.file.size > 0 ? form.file : undefined;
    const pasted = text(form.credential);
    const source = file ? await file.text() : pasted;
    const field = file ? 'file' : 'credential';

    const parsed = parseCredential(source);
    if ('error' in parsed) {
      return render(
        c,
        { title: 'Verify a credential: there is a problem', section: 'verify', status: parsed.status },
        <VerifyForm errors={{ [field]: parsed.error }} value={pasted} />,
      );
    }
    const verification = await services.verifier.verify(parsed.credential);
    const member = verification.issuer ? await deps.store.institutions.get(verification.issuer.id) : undefined;
    const verdict = verdictOf(parsed.credential, verification);
    return render(
      c,
      { title: `${verdict.ok ? 'Verified' : 'Not verified'}: ${verdict.headline}`, section: 'verify' },
      <>
        <h1>Verification result</h1>
        <VerificationResult credential={parsed.credential} verification={verification} verdict={verdict} member={member} />
        <h2>Verify another credential</h2>
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
function parseCredential(source: string): { credential: Record<string, unknown> } | { error: string; status: 400 | 413 } {
  if (source.trim() === '') return { error: 'Paste a credential, or choose its file.', status: 400 };
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return { error: `This is not valid JSON (${(error as Error).message}). A credential is a JSON document starting with {.`, status: 400 };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'This is JSON, but not a credential: a credential is a JSON object, starting with {.', status: 400 };
  }
  // before any JSON-LD work: its cost grows faster than the credential (see credential-budget.ts)
  const issue = credentialBudgetIssue(value);
  if (issue) {
    const where = issue.field === '(body)' ? 'The credential' : `Its field ${issue.field}`;
    return { error: `This credential cannot be checked: ${where} ${issue.message}.`, status: issue.kind === 'too-large' ? 413 : 400 };
  }
  return { credential: value as Record<string, unknown> };
}

function VerifyForm(props: { errors?: FieldErrors; value?: string; fetchUrl?: string; nested?: boolean }) {
  const errors = props.errors ?? {};
  return (
    <>
      {props.nested ? null : (
        <>
          <h1>Verify a credential</h1>
          <p class="lead">
            Check a micro-credential, badge, micro-degree or recognition record: whether its signature holds, which member university issued it, what it is worth, and whether it
            still counts.
          </p>
        </>
      )}
      <ErrorSummary errors={errors} labels={LABELS} />
      {props.fetchUrl ? (
        <div class="notice">
          <p id="fetch-status" role="status" aria-live="polite">
            {`To verify the credential at ${props.fetchUrl}, this page fetches it in your browser, which needs JavaScript. Without it, download the file and choose it below.`}
          </p>
        </div>
      ) : null}
      <form method="post" action="/verify" enctype="multipart/form-data" data-fetch-url={props.fetchUrl}>
        <TextArea
          id="credential"
          label="Paste the credential (JSON)"
          hint="The whole credential, as the issuer or wallet gave it to you."
          value={props.value}
          rows={10}
          error={errors.credential}
        />
        <div class="drop" data-drop="credential">
          <FileField id="file" label="Or choose its file" hint="A .json file. You can also drop the file here." accept=".json,.jsonld,application/json,application/ld+json" error={errors.file} />
          <p id="drop-status" class="hint" role="status" aria-live="polite"></p>
        </div>
        <button type="submit">Verify</button>
      </form>
    </>
  );
}
