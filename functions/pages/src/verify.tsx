/**
 * `/verify`: paste a credential, choose or drop a file, or open `/verify?url=<address>`
 * (the browser fetches it; the exchange never fetches addresses it is given). The form posts
 * to the page itself and the verifier service checks it, so it works without JavaScript.
 * The issuer is named as the member list names it, never as the credential names itself.
 */
import type { Verification } from '@cx/core';
import { credentialBudgetIssue } from '@cx/credentials';
import type { StoredInstitution } from '@cx/domain';
import { checkWording, describeCredential, issuerDidOf, verdictOf, type AchievementView, type CredentialView, type Verdict } from './credential-view.js';
import { ErrorSummary, Facts, FileField, TextArea, type FieldErrors } from './layout.js';
import {
  achievementTypeLabel,
  assessmentLabel,
  categoryLabel,
  countryLabel,
  dateLabel,
  iscedLabel,
  languageLabel,
  participationLabel,
  supervisionLabel,
} from './labels.js';
import { render, text, type PagesApp, type PagesContext } from './page.js';

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
        <Result credential={parsed.credential} verification={verification} verdict={verdict} member={member} />
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

function Result(props: { credential: Record<string, unknown>; verification: Verification; verdict: Verdict; member?: StoredInstitution }) {
  const { credential, verification, verdict, member } = props;
  const view = describeCredential(credential, verification);
  const issuerName = verification.issuer?.name;
  return (
    <>
      <section class={`verdict ${verdict.ok ? 'ok' : 'bad'}`} aria-labelledby="verdict" data-verdict={verdict.kind}>
        <h2 id="verdict">{verdict.headline}</h2>
        <p>{verdict.explanation}</p>
      </section>
      {verification.warnings.length ? (
        <section class="verdict warn" aria-labelledby="warnings">
          <h2 id="warnings">Worth knowing</h2>
          <ul>
            {verification.warnings.map((warning) => (
              <li>{warning}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2>Checks</h2>
      <ul class="checks">
        {verification.checks.map((item) => {
          const wording = checkWording(item, issuerName);
          return (
            <li class={item.ok ? 'ok' : 'bad'} data-check={item.check}>
              <strong>{wording.name}</strong>
              <span class="visually-hidden">{item.ok ? ' (passed)' : ' (failed)'}</span>: {wording.text}
              {wording.detail ? <span class="detail">{wording.detail}</span> : null}
            </li>
          );
        })}
      </ul>

      <h2>Issuer</h2>
      {verification.issuer ? (
        <Facts
          rows={[
            ['Name (member list)', verification.issuer.name],
            ['Member id', verification.issuer.id],
            ['Country', member ? countryLabel(member.country) : undefined],
            ['Membership', verification.issuer.status === 'active' ? 'Active member' : `Member, currently ${verification.issuer.status}`],
            ['DID', <code>{verification.issuer.did}</code>],
          ]}
        />
      ) : (
        <p>
          Not a member of this consortium
          {issuerDidOf(credential) ? (
            <>
              {' '}
              (the credential names <code>{issuerDidOf(credential)}</code>)
            </>
          ) : null}
          . The name the credential gives its issuer is not shown:
          only the member list can vouch for a name.
        </p>
      )}

      {view.achievement ? <Achievement achievement={view.achievement} issuerDid={verification.issuer?.did} issuerName={issuerName} /> : null}
      {view.recognition ? <Recognition view={view} /> : null}
      <Recipient view={view} />
      <Status view={view} verification={verification} />
      {verdict.ok ? null : (
        <p class="meta">The details above are what the credential states. As it did not verify, the consortium does not vouch for them.</p>
      )}
    </>
  );
}

function Achievement(props: { achievement: AchievementView; issuerDid?: string; issuerName?: string }) {
  const a = props.achievement;
  const awardingBody =
    a.awardingBodyDid === undefined
      ? undefined
      : a.awardingBodyDid === props.issuerDid && props.issuerName
        ? props.issuerName
        : `${a.awardingBodyDid} (not confirmed by the member list)`;
  return (
    <>
      <h2>Achievement</h2>
      <Facts
        rows={[
          ['Name', a.name],
          ['Kind', achievementTypeLabel(a.type)],
          ['Description', a.description],
          ['ECTS credits', a.ects === undefined ? undefined : String(a.ects)],
          ['EQF level', a.eqfLevel === undefined ? undefined : String(a.eqfLevel)],
          ['QF-EHEA cycle', a.qfEheaCycle],
          ['Field of education (ISCED-F)', a.iscedField ? iscedLabel(a.iscedField) : undefined],
          [
            'Learning outcomes',
            a.learningOutcomes.length ? (
              <ul>
                {a.learningOutcomes.map((outcome) => (
                  <li>{outcome}</li>
                ))}
              </ul>
            ) : undefined,
          ],
          ['Assessment', assessmentLabel(a.assessmentType)],
          ['Supervision and identity check', supervisionLabel(a.assessmentSupervision)],
          ['Form of participation', participationLabel(a.participation)],
          ['Quality assurance', a.qualityAssurance],
          ['Awarding body', awardingBody],
          ['Country', a.awardingBodyCountry ? countryLabel(a.awardingBodyCountry) : undefined],
          ['Languages of instruction', a.languages.length ? a.languages.map(languageLabel).join(', ') : undefined],
          ['Prerequisites', a.prerequisites],
          ['Criteria', a.criteria],
          ['Badge category', a.categories.length ? a.categories.map((c) => categoryLabel(c)).join(', ') : undefined],
          [
            'Aligned to',
            a.alignments.length ? (
              <ul>
                {a.alignments.map((alignment) => (
                  <li>{alignment.url ? <a href={safeHref(alignment.url)}>{alignment.name}</a> : alignment.name}</li>
                ))}
              </ul>
            ) : undefined,
          ],
          [
            'Built from',
            a.composedOf.length ? (
              <ul>
                {a.composedOf.map((part) => (
                  <li>
                    {part.name ?? part.id}
                    {part.ects !== undefined ? ` (${part.ects} ECTS)` : ''}
                  </li>
                ))}
              </ul>
            ) : undefined,
          ],
          [
            'Counts towards',
            a.stackableTowards.length ? (
              <ul>
                {a.stackableTowards.map((degree) => (
                  <li>{degree.name ?? degree.id}</li>
                ))}
              </ul>
            ) : undefined,
          ],
          ['Catalogue entry', a.code ? `${a.code}${a.version ? `, version ${a.version}` : ''}` : undefined],
          ['Catalogue version', a.catalogueVersionUrl ? <code>{a.catalogueVersionUrl}</code> : undefined],
          ['More information', a.furtherInformation ? <a href={safeHref(a.furtherInformation)}>{a.furtherInformation}</a> : undefined],
        ]}
      />
    </>
  );
}

function Recognition(props: { view: CredentialView }) {
  const r = props.view.recognition!;
  const str = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  return (
    <>
      <h2>Recognition record</h2>
      <Facts rows={[['Student', r.studentName], ['ECTS recognised in all', r.totalEcts === undefined ? undefined : String(r.totalEcts)]]} />
      {r.recognised.length ? (
        <>
          <h3>Recognised</h3>
          <ul>
            {r.recognised.map((item) => (
              <li>
                <code>{str(item.originalCredential)}</code>
                {`: ${str(item.ectsRecognised) ?? '?'} ECTS${item.recognisedAs ? `, as ${str(item.recognisedAs)}` : ''}. ${str(item.justification) ?? ''}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {r.rejected.length ? (
        <>
          <h3>Not recognised</h3>
          <ul>
            {r.rejected.map((item) => (
              <li>
                <code>{str(item.originalCredential)}</code>
                {`: ${item.substantialDifference ? `substantial difference in ${str(item.substantialDifference)}. ` : ''}${str(item.justification) ?? ''}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

function Recipient(props: { view: CredentialView }) {
  const r = props.view.recipient;
  const identity = r.did ? (
    <>
      The holder of the DID <code>{r.did}</code>
    </>
  ) : r.hashedEmail ? (
    'Identified by a hashed email address: the address itself is not in the credential. Someone who knows it can show that it matches.'
  ) : (
    'The credential does not say who holds it.'
  );
  return (
    <>
      <h2>Recipient</h2>
      <Facts
        rows={[
          ['Identified as', identity],
          ['Name given in the credential', r.name],
          ['Grade', r.grade],
          ['ECTS credits earned', r.creditsEarned === undefined ? undefined : String(r.creditsEarned)],
        ]}
      />
    </>
  );
}

const STATE_WORDS = { active: 'Active: not revoked or suspended', revoked: 'Revoked', suspended: 'Suspended', unknown: 'Could not be confirmed' } as const;

function Status(props: { view: CredentialView; verification: Verification }) {
  const { status, evidence, id, types } = props.view;
  return (
    <>
      <h2>Status</h2>
      <Facts
        rows={[
          ['Status', status.expired ? `${STATE_WORDS[status.state]}; expired` : STATE_WORDS[status.state]],
          ['Valid from', dateLabel(status.validFrom)],
          ['Valid until', dateLabel(status.validUntil) ?? (status.validFrom ? 'No end date' : undefined)],
          ['Credential id', id ? <code>{id}</code> : undefined],
          ['Type', types.join(', ')],
          [
            'Evidence',
            evidence.length ? (
              <ul>
                {evidence.map((e) => (
                  <li>
                    {e.url ? <a href={safeHref(e.url)}>{e.name}</a> : e.name}
                    {e.narrative ? `: ${e.narrative}` : ''}
                  </li>
                ))}
              </ul>
            ) : undefined,
          ],
        ]}
      />
    </>
  );
}

/** Links taken from a credential: http(s) only, so a `javascript:` URL is never a link. */
function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}
