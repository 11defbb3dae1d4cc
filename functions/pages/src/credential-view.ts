/**
 * What the verify page says about a credential: the verdict in plain words (each kind of
 * failure worded on its own, so a reader can tell tampered from revoked from foreign), each
 * check, and what the credential states (its achievement with every EU element, recipient,
 * status). Pure: it reads the verifier's answer and the credential, nothing else.
 */
import type { Check, CheckName, Verification } from '@cx/core';

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
/** Why a status could not be checked, as the end of a sentence. */
const reasonOf = (detail: string | undefined) => (detail ?? 'no reason given').replace(/\.$/, '');
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
export function verdictOf(vc: unknown, verification: Verification): Verdict {
  const issuer = verification.issuer?.name;
  if (verification.verified) {
    return {
      kind: 'verified',
      ok: true,
      headline: 'Verified: this credential is genuine and valid',
      explanation: `It was signed by ${issuer}, a member of the consortium, has not been changed since, has not been revoked or suspended, and is within its validity period.`,
    };
  }
  const credential = asObject(vc);
  if (!issuerDidOf(vc) && credential.proof === undefined) {
    return {
      kind: 'not-a-credential',
      ok: false,
      headline: 'Not a verifiable credential',
      explanation: 'This JSON names no issuer and carries no signature, so there is nothing to verify.',
    };
  }
  if (failed(verification, 'issuer-member')) {
    const did = issuerDidOf(vc);
    return {
      kind: 'foreign',
      ok: false,
      headline: 'Foreign: not issued by a member of this consortium',
      explanation: `${did ? `The issuer ${did}` : 'The issuer'} is not on the consortium's member list. Whatever name the credential gives its issuer, the consortium does not vouch for it.`,
    };
  }
  if (failed(verification, 'proof')) {
    return {
      kind: 'tampered',
      ok: false,
      headline: 'Tampered: the signature does not match the content',
      explanation: `The credential was changed after ${issuer ?? 'its issuer'} signed it, or the signature was not made with one of ${issuer ?? 'the issuer'}'s keys. Do not rely on anything it says.`,
    };
  }
  if (failed(verification, 'revocation') && !notChecked(verification, 'revocation')) {
    return {
      kind: 'revoked',
      ok: false,
      headline: 'Revoked by the issuer',
      explanation: `The signature is genuine, but ${issuer} has revoked this credential for good: it no longer counts.`,
    };
  }
  if (failed(verification, 'suspension') && !notChecked(verification, 'suspension')) {
    return {
      kind: 'suspended',
      ok: false,
      headline: 'Suspended by the issuer',
      explanation: `The signature is genuine, but ${issuer} has suspended this credential: it does not count while suspended. The issuer may lift the suspension.`,
    };
  }
  const unchecked = (['revocation', 'suspension'] as const).find((name) => notChecked(verification, name));
  if (unchecked) {
    return {
      kind: 'status-not-checked',
      ok: false,
      headline: 'Its status could not be checked',
      explanation: `The signature is genuine, but its status could not be checked: ${reasonOf(check(verification, unchecked)?.detail)}. It may have been revoked or suspended; do not rely on it until its status can be checked.`,
    };
  }
  if (failed(verification, 'validity-period')) {
    const detail = check(verification, 'validity-period')?.detail ?? '';
    if (/^not valid before/.test(detail)) {
      return { kind: 'not-yet-valid', ok: false, headline: 'Not valid yet', explanation: `The signature is genuine, but the credential is ${detail}.` };
    }
    return {
      kind: 'expired',
      ok: false,
      headline: 'Expired',
      explanation: `The signature is genuine, but the credential's validity period has ended${asString(credential.validUntil) ? ` (it was valid until ${credential.validUntil})` : ''}.`,
    };
  }
  return {
    kind: 'malformed',
    ok: false,
    headline: 'Not a well-formed credential',
    explanation: 'The credential does not have the shape a verifiable credential must have, so it cannot be trusted as one.',
  };
}

const CHECK_NAMES: Record<CheckName, string> = {
  schema: 'Form',
  proof: 'Signature',
  'issuer-member': 'Issuer',
  revocation: 'Revocation',
  suspension: 'Suspension',
  'validity-period': 'Validity period',
  'related-resources': 'Related resources',
};

/** One check in plain words, with the verifier's detail kept for the curious. */
export function checkWording(item: Check, issuerName: string | undefined): { name: string; text: string; detail?: string } {
  const name = CHECK_NAMES[item.check];
  const detail = item.detail;
  switch (item.check) {
    case 'schema':
      return item.ok ? { name, text: 'It has the shape of a verifiable credential.' } : { name, text: 'It is not shaped like a verifiable credential.', detail };
    case 'proof':
      return item.ok
        ? { name, text: 'The signature is intact: nothing has been changed since it was signed.', detail }
        : { name, text: 'The signature does not match: the credential was changed after signing, or signed with a key the issuer does not list.', detail };
    case 'issuer-member':
      return item.ok ? { name, text: `Issued by ${issuerName}, a member of the consortium.` } : { name, text: 'The issuer is not a member of this consortium.', detail };
    case 'revocation':
      if (!item.ok && item.outcome === 'not-checked') return { name, text: `Its revocation status could not be checked: ${reasonOf(detail)}.`, detail };
      return item.ok
        ? { name, text: detail === 'no revocation status entry' ? 'It has no revocation entry, so it cannot be revoked.' : 'Not revoked.' }
        : { name, text: detail === 'the credential has been revoked' ? 'Revoked: the issuer has withdrawn it for good.' : 'Its revocation status could not be confirmed.', detail };
    case 'suspension':
      if (!item.ok && item.outcome === 'not-checked') return { name, text: `Its suspension status could not be checked: ${reasonOf(detail)}.`, detail };
      return item.ok
        ? { name, text: detail === 'no suspension status entry' ? 'It has no suspension entry, so it cannot be suspended.' : 'Not suspended.' }
        : { name, text: detail === 'the credential is suspended' ? 'Suspended: the issuer has put it on hold.' : 'Its suspension status could not be confirmed.', detail };
    case 'validity-period':
      return item.ok ? { name, text: 'Within its validity period.' } : { name, text: /^expired/.test(detail ?? '') ? 'Expired.' : 'Outside its validity period.', detail };
    case 'related-resources':
      return item.ok
        ? { name, text: 'The linked resources it pins match, or are named as not checked.', detail }
        : { name, text: 'A linked resource it pins does not match its digest.', detail };
  }
}

export interface AchievementView {
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

export function describeCredential(vc: unknown, verification: Verification): CredentialView {
  const credential = asObject(vc);
  const subject = asObject(Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject);
  const raw = asObject(subject.achievement);
  const awardingBody = asObject(raw.awardingBody);
  const identifiers = (Array.isArray(subject.identifier) ? subject.identifier : []).map(asObject);
  const results = (Array.isArray(subject.result) ? subject.result : []).map(asObject);
  const byCheck = (name: CheckName) => check(verification, name);

  const achievement: AchievementView | undefined =
    Object.keys(raw).length === 0
      ? undefined
      : {
          name: asString(raw.name),
          description: asString(raw.description),
          type: asString(raw.achievementType),
          criteria: asString(asObject(raw.criteria).narrative),
          ects: asNumber(raw.ectsCredits) ?? asNumber(raw.creditsAvailable),
          eqfLevel: asNumber(raw.eqfLevel),
          qfEheaCycle: asString(raw.qfEheaCycle),
          iscedField: asString(raw.iscedField),
          learningOutcomes: asStrings(raw.learningOutcomes),
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
