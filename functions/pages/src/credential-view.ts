/**
 * What the verify page says about a credential: the verdict in plain words (each kind of
 * failure worded on its own, so a reader can tell tampered from revoked from foreign), each
 * check, and what the credential states (its achievement with every EU element, recipient,
 * status). Pure: it reads the verifier's answer and the credential, nothing else.
 */
import type { Check, CheckName, Verification } from '@cx/core';
import type { I18n } from '@cx/i18n';

type Json = Record<string, unknown>;

export type VerdictKind =
  | 'verified'
  | 'not-a-credential'
  | 'foreign'
  | 'tampered'
  | 'revoked'
  | 'suspended'
  | 'status-not-checked'
  | 'expired'
  | 'not-yet-valid'
  | 'malformed';

export interface Verdict {
  kind: VerdictKind;
  ok: boolean;
  headline: string;
  explanation: string;
}

const check = (verification: Verification, name: CheckName) => verification.checks.find((c) => c.check === name);
const failed = (verification: Verification, name: CheckName) => check(verification, name)?.ok === false;
/** Why a status could not be checked, as the end of a sentence (the verifier's words, which are English). */
const reasonOf = (detail: string | undefined, { t }: I18n) => (detail ?? t('verdict.noReason')).replace(/\.$/, '');
/** A status check that failed because its list could not be read or trusted, not because of what the list says. */
const notChecked = (verification: Verification, name: 'revocation' | 'suspension') => failed(verification, name) && check(verification, name)?.outcome === 'not-checked';

const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);

export function issuerDidOf(vc: unknown): string | undefined {
  const credential = asObject(vc);
  return asString(credential.issuer) ?? asString(asObject(credential.issuer).id);
}

/**
 * The verdict: verified, or the most telling reason it is not. A credential from outside
 * the consortium is "foreign" before anything else (its signature cannot be checked against
 * a member's keys); then a broken signature; then the issuer's own status decisions; then a status
 * that could not be checked (never called revoked); then time.
 */
export function verdictOf(vc: unknown, verification: Verification, i18n: I18n): Verdict {
  const { t } = i18n;
  const issuer = verification.issuer?.name;
  const verdict = (kind: VerdictKind, explanation: string): Verdict => ({
    kind,
    ok: kind === 'verified',
    headline: t(`verdict.${kind}.headline` as 'verdict.verified.headline'),
    explanation,
  });
  if (verification.verified) return verdict('verified', t('verdict.verified.text', { issuer: issuer ?? '' }));
  const credential = asObject(vc);
  if (!issuerDidOf(vc) && credential.proof === undefined) return verdict('not-a-credential', t('verdict.not-a-credential.text'));
  if (failed(verification, 'issuer-member')) {
    const did = issuerDidOf(vc);
    return verdict('foreign', did ? t('verdict.foreign.text', { did }) : t('verdict.foreign.textNoDid'));
  }
  if (failed(verification, 'proof')) {
    return verdict('tampered', issuer ? t('verdict.tampered.text', { issuer }) : t('verdict.tampered.textNoIssuer'));
  }
  if (failed(verification, 'revocation') && !notChecked(verification, 'revocation')) return verdict('revoked', t('verdict.revoked.text', { issuer: issuer ?? '' }));
  if (failed(verification, 'suspension') && !notChecked(verification, 'suspension')) return verdict('suspended', t('verdict.suspended.text', { issuer: issuer ?? '' }));
  const unchecked = (['revocation', 'suspension'] as const).find((name) => notChecked(verification, name));
  if (unchecked) return verdict('status-not-checked', t('verdict.status-not-checked.text', { reason: reasonOf(check(verification, unchecked)?.detail, i18n) }));
  if (failed(verification, 'validity-period')) {
    const detail = check(verification, 'validity-period')?.detail ?? '';
    if (/^not valid before/.test(detail)) {
      const from = asString(credential.validFrom);
      return verdict('not-yet-valid', from ? t('verdict.not-yet-valid.text', { from: i18n.dateTime(from)! }) : t('verdict.not-yet-valid.textNoDate'));
    }
    const until = asString(credential.validUntil);
    return verdict('expired', until ? t('verdict.expired.text', { until: i18n.dateTime(until)! }) : t('verdict.expired.textNoDate'));
  }
  return verdict('malformed', t('verdict.malformed.text'));
}

/** One check in plain words, with the verifier's detail kept for the curious. */
export function checkWording(item: Check, issuerName: string | undefined, i18n: I18n): { name: string; text: string; detail?: string } {
  const { t } = i18n;
  const name = t(`check.${item.check}` as 'check.schema');
  const detail = item.detail;
  switch (item.check) {
    case 'schema':
      return item.ok ? { name, text: t('check.schema.ok') } : { name, text: t('check.schema.bad'), detail };
    case 'proof':
      return item.ok ? { name, text: t('check.proof.ok'), detail } : { name, text: t('check.proof.bad'), detail };
    case 'issuer-member':
      return item.ok ? { name, text: t('check.issuer-member.ok', { issuer: issuerName ?? '' }) } : { name, text: t('check.issuer-member.bad'), detail };
    case 'revocation':
      if (!item.ok && item.outcome === 'not-checked') return { name, text: t('check.revocation.notChecked', { reason: reasonOf(detail, i18n) }), detail };
      return item.ok
        ? { name, text: detail === 'no revocation status entry' ? t('check.revocation.noEntry') : t('check.revocation.ok') }
        : { name, text: detail === 'the credential has been revoked' ? t('check.revocation.revoked') : t('check.revocation.unconfirmed'), detail };
    case 'suspension':
      if (!item.ok && item.outcome === 'not-checked') return { name, text: t('check.suspension.notChecked', { reason: reasonOf(detail, i18n) }), detail };
      return item.ok
        ? { name, text: detail === 'no suspension status entry' ? t('check.suspension.noEntry') : t('check.suspension.ok') }
        : { name, text: detail === 'the credential is suspended' ? t('check.suspension.suspended') : t('check.suspension.unconfirmed'), detail };
    case 'validity-period':
      return item.ok ? { name, text: t('check.validity-period.ok') } : { name, text: /^expired/.test(detail ?? '') ? t('check.validity-period.expired') : t('check.validity-period.outside'), detail };
    case 'related-resources':
      return item.ok ? { name, text: t('check.related-resources.ok'), detail } : { name, text: t('check.related-resources.bad'), detail };
  }
}

export interface AchievementView {
  /** The language of the name, description and outcomes shown, when the credential tags it and it is not the one asked for. */
  textLanguage?: string;
  name?: string;
  description?: string;
  type?: string;
  criteria?: string;
  ects?: number;
  eqfLevel?: number;
  qfEheaCycle?: string;
  iscedField?: string;
  learningOutcomes: string[];
  assessmentType?: string;
  assessmentSupervision?: string;
  participation?: string;
  qualityAssurance?: string;
  prerequisites?: string;
  awardingBodyDid?: string;
  awardingBodyCountry?: string;
  languages: string[];
  catalogueVersionUrl?: string;
  code?: string;
  version?: string;
  categories: string[];
  alignments: Array<{ name: string; url?: string }>;
  composedOf: Array<{ id: string; name?: string; ects?: number }>;
  stackableTowards: Array<{ id: string; name?: string }>;
  furtherInformation?: string;
}

export interface RecipientView {
  did?: string;
  hashedEmail: boolean;
  name?: string;
  grade?: string;
  creditsEarned?: number;
}

export interface StatusView {
  /** What the status checks found: `active`, `revoked`, `suspended`, or `unknown` when the checks could not tell. */
  state: 'active' | 'revoked' | 'suspended' | 'unknown';
  validFrom?: string;
  validUntil?: string;
  expired: boolean;
}

export interface CredentialView {
  id?: string;
  types: string[];
  achievement?: AchievementView;
  recipient: RecipientView;
  status: StatusView;
  evidence: Array<{ name: string; narrative?: string; url?: string }>;
  /** Recognition records (signed by a receiving institution) list what they recognised. */
  recognition?: { studentName?: string; totalEcts?: number; recognised: Json[]; rejected: Json[] };
}

const links = (value: unknown) =>
  (Array.isArray(value) ? value : [])
    .map(asObject)
    .filter((l) => asString(l.id))
    .map((l) => ({ id: l.id as string, name: asString(l.name), ects: asNumber(l.ectsCredits) }));

/**
 * A text member in the reader's language. A credential may carry a member as a plain string
 * (its primary language) or as JSON-LD language-tagged values, `{ "@value", "@language" }`,
 * one or many: the reader's language where it is there, else the untagged or first value.
 */
export function inLanguage(value: unknown, lang: string): { texts: string[]; language?: string } {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => {
    if (typeof v === 'string') return [{ text: v, language: undefined as string | undefined }];
    const tagged = asObject(v);
    return typeof tagged['@value'] === 'string' ? [{ text: tagged['@value'], language: asString(tagged['@language'])?.toLowerCase() }] : [];
  });
  const wanted = values.filter((v) => v.language === lang || v.language?.startsWith(`${lang}-`));
  if (wanted.length) return { texts: wanted.map((v) => v.text) };
  const untagged = values.filter((v) => v.language === undefined);
  if (untagged.length) return { texts: untagged.map((v) => v.text) };
  const first = values[0]?.language;
  return { texts: values.filter((v) => v.language === first).map((v) => v.text), language: first };
}

export function describeCredential(vc: unknown, verification: Verification, lang = 'en'): CredentialView {
  const credential = asObject(vc);
  const subject = asObject(Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject);
  const raw = asObject(subject.achievement);
  const awardingBody = asObject(raw.awardingBody);
  const identifiers = (Array.isArray(subject.identifier) ? subject.identifier : []).map(asObject);
  const results = (Array.isArray(subject.result) ? subject.result : []).map(asObject);
  const byCheck = (name: CheckName) => check(verification, name);
  const name = inLanguage(raw.name, lang);
  const description = inLanguage(raw.description, lang);
  const outcomes = inLanguage(raw.learningOutcomes, lang);

  const achievement: AchievementView | undefined =
    Object.keys(raw).length === 0
      ? undefined
      : {
          textLanguage: name.language,
          name: asString(name.texts[0]),
          description: asString(description.texts[0]),
          type: asString(raw.achievementType),
          criteria: asString(asObject(raw.criteria).narrative),
          ects: asNumber(raw.ectsCredits) ?? asNumber(raw.creditsAvailable),
          eqfLevel: asNumber(raw.eqfLevel),
          qfEheaCycle: asString(raw.qfEheaCycle),
          iscedField: asString(raw.iscedField),
          learningOutcomes: outcomes.texts,
          assessmentType: asString(raw.assessmentType),
          assessmentSupervision: asString(raw.assessmentSupervision),
          participation: asString(raw.participationForm),
          qualityAssurance: asString(raw.qualityAssurance),
          prerequisites: asString(raw.prerequisites),
          awardingBodyDid: asString(awardingBody.id) ?? asString(raw.awardingBody),
          awardingBodyCountry: asString(asObject(awardingBody.address).addressCountryCode),
          languages: asStrings(raw.instructionLanguages).length ? asStrings(raw.instructionLanguages) : asStrings(raw.inLanguage),
          catalogueVersionUrl: asString(raw.id),
          code: asString(raw.humanCode),
          version: asString(raw.version),
          categories: asStrings(raw.tag),
          alignments: (Array.isArray(raw.alignment) ? raw.alignment : [])
            .map(asObject)
            .filter((a) => asString(a.targetName))
            .map((a) => ({ name: a.targetName as string, url: asString(a.targetUrl) })),
          composedOf: links(raw.composedOf),
          stackableTowards: links(raw.stackableTowards),
          furtherInformation: asString(raw.furtherInformation),
        };

  const revocation = byCheck('revocation');
  const suspension = byCheck('suspension');
  const state: StatusView['state'] =
    revocation?.ok === false && revocation.detail === 'the credential has been revoked'
      ? 'revoked'
      : suspension?.ok === false && suspension.detail === 'the credential is suspended'
        ? 'suspended'
        : revocation?.ok && suspension?.ok
          ? 'active'
          : 'unknown';

  const recognised = Array.isArray(subject.recognisedItems) ? subject.recognisedItems.map(asObject) : undefined;
  return {
    id: asString(credential.id),
    types: asStrings(credential.type),
    achievement,
    recipient: {
      did: asString(subject.id),
      hashedEmail: identifiers.some((i) => i.identityType === 'emailAddress' && i.hashed === true),
      name: asString(identifiers.find((i) => i.identityType === 'name' && i.hashed === false)?.identityHash) ?? asString(subject.studentName),
      grade: asString(results[0]?.value),
      creditsEarned: asNumber(subject.creditsEarned),
    },
    status: {
      state,
      validFrom: asString(credential.validFrom),
      validUntil: asString(credential.validUntil),
      expired: /^expired/.test(byCheck('validity-period')?.detail ?? ''),
    },
    evidence: (Array.isArray(credential.evidence) ? credential.evidence : [])
      .map(asObject)
      .filter((e) => asString(e.name))
      .map((e) => ({ name: e.name as string, narrative: asString(e.narrative), url: asString(e.id) })),
    recognition: recognised
      ? {
          studentName: asString(subject.studentName),
          totalEcts: asNumber(subject.totalEctsRecognised),
          recognised,
          rejected: Array.isArray(subject.rejectedItems) ? subject.rejectedItems.map(asObject) : [],
        }
      : undefined,
  };
}
