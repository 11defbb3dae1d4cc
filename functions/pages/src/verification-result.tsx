/**
 * A credential's verification as the verify page shows it: the verdict in plain words, each
 * check, the issuer as the member list names it, the achievement with every EU element, the
 * recipient and the status. Shared by `/verify`, the claim page, `/my` and shared links.
 */
import type { Verification } from '@cx/core';
import type { StoredInstitution } from '@cx/domain';
import { checkWording, describeCredential, issuerDidOf, type AchievementView, type CredentialView, type Verdict } from './credential-view.js';
import { Facts } from './layout.js';
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

/** Everything the verifier found about one credential, for a reader. */
export function VerificationResult(props: { credential: Record<string, unknown>; verification: Verification; verdict: Verdict; member?: StoredInstitution }) {
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
