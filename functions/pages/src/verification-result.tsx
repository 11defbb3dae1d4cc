/**
 * A credential's verification as the verify page shows it: the verdict in plain words, each
 * check, the issuer as the member list names it, the achievement with every EU element, the
 * recipient and the status. Shared by `/verify`, the claim page, `/my` and shared links.
 */
import type { Verification } from '@cx/core';
import type { StoredInstitution } from '@cx/domain';
import { checkWording, describeCredential, issuerDidOf, type AchievementView, type CredentialView, type Verdict } from './credential-view.js';
import { useI18n } from './i18n.js';
import { Facts } from './layout.js';
import {
  achievementTypeLabel,
  assessmentLabel,
  categoryLabel,
  countryLabel,
  dateLabel,
  iscedLabel,
  languageLabel,
  differenceLabel,
  participationLabel,
  supervisionLabel,
} from './labels.js';

/** Everything the verifier found about one credential, for a reader. */
export function VerificationResult(props: { credential: Record<string, unknown>; verification: Verification; verdict: Verdict; member?: StoredInstitution }) {
  const { credential, verification, verdict, member } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const view = describeCredential(credential, verification, i18n.lang);
  const issuerName = verification.issuer?.name;
  return (
    <>
      <section class={`verdict ${verdict.ok ? 'ok' : 'bad'}`} aria-labelledby="verdict" data-verdict={verdict.kind}>
        <h2 id="verdict">{verdict.headline}</h2>
        <p>{verdict.explanation}</p>
      </section>
      {verification.warnings.length ? (
        <section class="verdict warn" aria-labelledby="warnings">
          <h2 id="warnings">{t('result.warnings')}</h2>
          <ul>
            {verification.warnings.map((warning) => (
              <li>{warning}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2>{t('result.checks')}</h2>
      <ul class="checks">
        {verification.checks.map((item) => {
          const wording = checkWording(item, issuerName, i18n);
          // the mark is for the eye only; a screen reader hears "passed" or "failed" once, in words
          return (
            <li class={item.ok ? 'ok' : 'bad'} data-check={item.check}>
              <span class="mark" aria-hidden="true">
                {item.ok ? '\u2713' : '\u2717'}
              </span>
              <strong>{wording.name}</strong>
              <span class="visually-hidden">{` (${t(item.ok ? 'check.passed' : 'check.failed')})`}</span>: {wording.text}
              {wording.detail ? <span class="detail">{wording.detail}</span> : null}
            </li>
          );
        })}
      </ul>

      <h2>{t('result.issuer')}</h2>
      {verification.issuer ? (
        <Facts
          rows={[
            [t('result.issuer.name'), verification.issuer.name],
            [t('result.issuer.id'), verification.issuer.id],
            [t('result.country'), member ? countryLabel(member.country) : undefined],
            [t('result.issuer.membership'), verification.issuer.status === 'active' ? t('result.issuer.active') : t('result.issuer.suspended')],
            ['DID', <code>{verification.issuer.did}</code>],
          ]}
        />
      ) : (
        <p>
          {t('result.issuer.foreign')}
          {issuerDidOf(credential) ? (
            <>
              {' '}
              ({t('result.issuer.names')} <code>{issuerDidOf(credential)}</code>)
            </>
          ) : null}
          {t('result.issuer.foreignText')}
        </p>
      )}

      {view.achievement ? <Achievement achievement={view.achievement} issuerDid={verification.issuer?.did} issuerName={issuerName} /> : null}
      {view.recognition ? <Recognition view={view} /> : null}
      <Recipient view={view} />
      <Status view={view} verification={verification} />
      {verdict.ok ? null : (
        <p class="meta">{t('result.notVouched')}</p>
      )}
    </>
  );
}

function Achievement(props: { achievement: AchievementView; issuerDid?: string; issuerName?: string }) {
  const { t, lang } = useI18n();
  const a = props.achievement;
  const awardingBody =
    a.awardingBodyDid === undefined
      ? undefined
      : a.awardingBodyDid === props.issuerDid && props.issuerName
        ? props.issuerName
        : t('result.awardingBody.unconfirmed', { did: a.awardingBodyDid });
  return (
    <>
      <h2>{t('result.achievement')}</h2>
      {a.textLanguage && a.textLanguage !== lang ? <p class="meta">{t('result.achievement.otherLanguage', { language: useI18n().languageName(a.textLanguage) })}</p> : null}
      <Facts
        rows={[
          [t('fact.name'), a.name],
          [t('fact.kind'), achievementTypeLabel(a.type)],
          [t('fact.description'), a.description],
          [t('fact.ects'), a.ects === undefined ? undefined : useI18n().number(a.ects)],
          [t('fact.eqf'), a.eqfLevel === undefined ? undefined : String(a.eqfLevel)],
          [t('fact.qfEhea'), a.qfEheaCycle],
          [t('fact.isced'), a.iscedField ? iscedLabel(a.iscedField) : undefined],
          [
            t('fact.learningOutcomes'),
            a.learningOutcomes.length ? (
              <ul>
                {a.learningOutcomes.map((outcome) => (
                  <li>{outcome}</li>
                ))}
              </ul>
            ) : undefined,
          ],
          [t('fact.assessment'), assessmentLabel(a.assessmentType)],
          [t('fact.supervision'), supervisionLabel(a.assessmentSupervision)],
          [t('fact.participation'), participationLabel(a.participation)],
          [t('fact.qualityAssurance'), a.qualityAssurance],
          [t('fact.awardingBody'), awardingBody],
          [t('result.country'), a.awardingBodyCountry ? countryLabel(a.awardingBodyCountry) : undefined],
          [t('fact.languages'), a.languages.length ? a.languages.map(languageLabel).join(', ') : undefined],
          [t('fact.prerequisites'), a.prerequisites],
          [t('fact.criteria'), a.criteria],
          [t('fact.badgeCategory'), a.categories.length ? a.categories.map((c) => categoryLabel(c)).join(', ') : undefined],
          [
            t('fact.alignedTo'),
            a.alignments.length ? (
              <ul>
                {a.alignments.map((alignment) => (
                  <li>{alignment.url ? <a href={safeHref(alignment.url)}>{alignment.name}</a> : alignment.name}</li>
                ))}
              </ul>
            ) : undefined,
          ],
          [
            t('fact.builtFrom'),
            a.composedOf.length ? (
              <ul>
                {a.composedOf.map((part) => (
                  <li>
                    {part.name ?? part.id}
                    {part.ects !== undefined ? ` (${t('fact.ectsShort', { ects: part.ects })})` : ''}
                  </li>
                ))}
              </ul>
            ) : undefined,
          ],
          [
            t('fact.countsTowards'),
            a.stackableTowards.length ? (
              <ul>
                {a.stackableTowards.map((degree) => (
                  <li>{degree.name ?? degree.id}</li>
                ))}
              </ul>
            ) : undefined,
          ],
          [t('fact.catalogueEntry'), a.code ? (a.version ? t('fact.catalogueEntryVersion', { code: a.code, version: a.version }) : a.code) : undefined],
          [t('fact.catalogueVersion'), a.catalogueVersionUrl ? <code>{a.catalogueVersionUrl}</code> : undefined],
          [t('fact.moreInformation'), a.furtherInformation ? <a href={safeHref(a.furtherInformation)}>{a.furtherInformation}</a> : undefined],
        ]}
      />
    </>
  );
}

function Recognition(props: { view: CredentialView }) {
  const { t, number } = useI18n();
  const r = props.view.recognition!;
  const str = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? number(value) : undefined);
  return (
    <>
      <h2>{t('result.recognition')}</h2>
      <Facts rows={[[t('fact.student'), r.studentName], [t('result.recognition.total'), r.totalEcts === undefined ? undefined : number(r.totalEcts)]]} />
      {r.recognised.length ? (
        <>
          <h3>{t('result.recognition.recognised')}</h3>
          <ul>
            {r.recognised.map((item) => (
              <li>
                <code>{str(item.originalCredential)}</code>
                {`: ${t('fact.ectsShort', { ects: str(item.ectsRecognised) ?? '?' })}${item.recognisedAs ? t('result.recognition.as', { code: str(item.recognisedAs) ?? '' }) : ''}. ${str(item.justification) ?? ''}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {r.rejected.length ? (
        <>
          <h3>{t('result.recognition.rejected')}</h3>
          <ul>
            {r.rejected.map((item) => (
              <li>
                <code>{str(item.originalCredential)}</code>
                {`: ${item.substantialDifference ? `${t('transfer.difference', { difference: differenceLabel(str(item.substantialDifference)) ?? '' })} ` : ''}${str(item.justification) ?? ''}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

function Recipient(props: { view: CredentialView }) {
  const { t, number } = useI18n();
  const r = props.view.recipient;
  const identity = r.did ? (
    <>
      {t('result.recipient.did')} <code>{r.did}</code>
    </>
  ) : r.hashedEmail ? (
    t('result.recipient.hashed')
  ) : (
    t('result.recipient.none')
  );
  return (
    <>
      <h2>{t('result.recipient')}</h2>
      <Facts
        rows={[
          [t('result.recipient.identified'), identity],
          [t('result.recipient.name'), r.name],
          [t('result.recipient.grade'), r.grade],
          [t('result.recipient.earned'), r.creditsEarned === undefined ? undefined : number(r.creditsEarned)],
        ]}
      />
    </>
  );
}


function Status(props: { view: CredentialView; verification: Verification }) {
  const { t } = useI18n();
  const { status, evidence, id, types } = props.view;
  const state = t(`result.state.${status.state}` as 'result.state.active');
  return (
    <>
      <h2>{t('result.status')}</h2>
      <Facts
        rows={[
          [t('result.status'), status.expired ? t('result.state.expired', { state }) : state],
          [t('fact.validFrom'), dateLabel(status.validFrom)],
          [t('fact.validUntil'), dateLabel(status.validUntil) ?? (status.validFrom ? t('result.noEndDate') : undefined)],
          [t('result.credentialId'), id ? <code>{id}</code> : undefined],
          [t('result.type'), types.join(', ')],
          [
            t('result.evidence'),
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
