/**
 * What makes a JSON value not a VC 2.0 (or VC 1.1) credential, or not an Open Badges 3.0
 * `OpenBadgeCredential`: the reasons behind a 400 answer, before any cryptography.
 */
import type { FieldIssue } from '@cx/domain';
import { OB_V3_CONTEXT_URLS, VC_V1_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts.js';
import { checkRelatedResources } from './related-resources.js';
import { asList, isJsonObject } from './json-values.js';

export interface ShapeOptions {
  /**
   * `open-badge` (default) also asks for what OB 3.0 requires, on VC 2.0; `vc` for a VC 2.0 or
   * VC 1.1 credential.
   */
  profile?: 'vc' | 'open-badge';
  /** Ask for a `proof` (verifying); by default a credential may be unsigned (issuing). */
  requireProof?: boolean;
}

type Json = Record<string, unknown>;

const typesOf = (value: unknown): unknown[] => (isJsonObject(value) ? asList(value.type) : []);
/** An absolute URI: a scheme, a colon, then something. */
const isUri = (value: unknown): value is string => typeof value === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value);
/** An XML Schema dateTime with a time zone, as VC 2.0 requires for validFrom/validUntil. */
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isDateTime = (value: unknown): value is string => typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
/** VC 1.1 dates are XML Schema dateTimes, where the time zone is optional. */
const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const isXsdDateTime = (value: unknown): value is string => typeof value === 'string' && XSD_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
/** Bitstring Status List: "an arbitrary size integer greater than or equal to 0, expressed as a string in base 10". */
const STATUS_LIST_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Every problem found with `value` as a credential, each with the dotted path of its field;
 * an empty list when its shape is fine (the proof is then for `verifyCredentialProof`).
 *
 * @example
 * const issues = checkCredentialShape(body.verifiableCredential, { requireProof: true });
 * if (issues.length) throw new ValidationError('not a verifiable credential', issues);
 */
export function checkCredentialShape(value: unknown, { profile = 'open-badge', requireProof = false }: ShapeOptions = {}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const problem = (field: string, message: string) => issues.push({ field, message });
  if (!isJsonObject(value)) {
    problem('', 'a credential is a JSON object');
    return issues;
  }
  const openBadge = profile === 'open-badge';

  const context = value['@context'];
  const v1 = Array.isArray(context) && context[0] === VC_V1_CONTEXT_URL && !openBadge;
  if (!Array.isArray(context) || context.length === 0) {
    problem('@context', `must be a list beginning with "${VC_V2_CONTEXT_URL}"`);
  } else {
    if (context[0] === VC_V1_CONTEXT_URL && openBadge) {
      problem('@context.0', `Open Badges 3.0 credentials are VC 2.0 credentials: the first context must be "${VC_V2_CONTEXT_URL}"`);
    } else if (context[0] !== VC_V2_CONTEXT_URL && !v1) problem('@context.0', `must be "${VC_V2_CONTEXT_URL}" (or "${VC_V1_CONTEXT_URL}" for VC 1.1)`);
    context.forEach((entry, index) => {
      if (typeof entry !== 'string' && !isJsonObject(entry)) problem(`@context.${index}`, 'must be a URL or a context object');
    });
    if (openBadge && !context.slice(1).some((entry) => OB_V3_CONTEXT_URLS.includes(entry as string))) {
      problem('@context', `must list an Open Badges 3.0 context after the VC context, e.g. "${OB_V3_CONTEXT_URLS.at(-1)}"`);
    }
  }

  const types = asList(value.type);
  if (types.length === 0) problem('type', 'is required');
  else if (!types.includes('VerifiableCredential')) problem('type', 'must include "VerifiableCredential"');
  else if (openBadge && !types.includes('OpenBadgeCredential') && !types.includes('AchievementCredential')) {
    problem('type', 'must include "OpenBadgeCredential"');
  }
  if (types.some((t) => typeof t !== 'string')) problem('type', 'must hold strings only');

  if (value.id !== undefined && !isUri(value.id)) problem('id', 'must be a URI, e.g. urn:uuid:...');

  checkIssuer(value.issuer, openBadge, problem);

  if (v1) {
    // VC 1.1: "A credential MUST have an issuanceDate property"; its validity fields are these two
    if (value.issuanceDate === undefined) problem('issuanceDate', 'is required in a VC 1.1 credential');
    for (const field of ['issuanceDate', 'expirationDate'] as const) {
      if (value[field] !== undefined && !isXsdDateTime(value[field])) problem(field, 'must be a date-time, e.g. 2025-01-31T12:00:00Z');
    }
  }
  for (const field of ['validFrom', 'validUntil'] as const) {
    if (value[field] !== undefined && !isDateTime(value[field])) problem(field, 'must be a date-time with a time zone, e.g. 2025-01-31T12:00:00Z');
  }
  if (openBadge && value.validFrom === undefined) problem('validFrom', 'is required');
  if (isDateTime(value.validFrom) && isDateTime(value.validUntil) && Date.parse(value.validUntil) < Date.parse(value.validFrom)) {
    problem('validUntil', 'must not be before validFrom');
  }

  checkSubjects(value.credentialSubject, openBadge, problem);

  for (const field of ['credentialStatus', 'evidence', 'termsOfUse', 'credentialSchema', 'refreshService'] as const) {
    asList(value[field]).forEach((entry, index) => {
      const path = Array.isArray(value[field]) ? `${field}.${index}` : field;
      if (!isJsonObject(entry)) return problem(path, 'must be an object');
      const types = typesOf(entry);
      if (types.length === 0) problem(`${path}.type`, 'is required');
      else if (types.some((t) => typeof t !== 'string')) problem(`${path}.type`, 'must be a string or a list of strings');
      // VC 2.0: "Each credentialSchema MUST specify its type ... and an id property that MUST be a URL"
      if (field === 'credentialSchema' && entry.id === undefined) problem(`${path}.id`, 'is required: the URL of the schema');
      else if (entry.id !== undefined && !isUri(entry.id)) problem(`${path}.id`, 'must be a URI');
      if (field === 'credentialStatus' && types.includes('BitstringStatusListEntry')) checkStatusListEntry(entry, path, problem);
    });
  }

  if (value.relatedResource !== undefined) issues.push(...checkRelatedResources(value.relatedResource).issues);

  if (value.proof === undefined) {
    if (requireProof) problem('proof', 'is required: the credential is not signed');
  } else {
    checkProofs(value.proof, problem);
  }
  return issues;
}

type Problem = (field: string, message: string) => void;

/** The fields a `BitstringStatusListEntry` must have, in their forms (Bitstring Status List v1.0 §2.1). */
function checkStatusListEntry(entry: Json, path: string, problem: Problem): void {
  if (typeof entry.statusPurpose !== 'string' || !entry.statusPurpose) problem(`${path}.statusPurpose`, 'is required');
  if (typeof entry.statusListIndex !== 'string' || !STATUS_LIST_INDEX.test(entry.statusListIndex)) {
    problem(`${path}.statusListIndex`, 'must be a non-negative integer written as a base-10 string, e.g. "94567"');
  }
  if (!isUri(entry.statusListCredential)) problem(`${path}.statusListCredential`, 'must be the URL of a BitstringStatusListCredential');
}

function checkIssuer(issuer: unknown, openBadge: boolean, problem: Problem): void {
  if (issuer === undefined) return problem('issuer', 'is required');
  if (typeof issuer === 'string') {
    if (!isUri(issuer)) problem('issuer', 'must be a URI (a DID)');
    else if (openBadge) problem('issuer', 'must be a Profile object with id, type and name');
    return;
  }
  if (!isJsonObject(issuer)) return problem('issuer', 'must be a URI or an object with an id');
  if (!isUri(issuer.id)) problem('issuer.id', 'must be a URI (a DID)');
  if (openBadge) {
    if (!typesOf(issuer).includes('Profile')) problem('issuer.type', 'must include "Profile"');
    if (typeof issuer.name !== 'string' || !issuer.name) problem('issuer.name', 'is required');
  }
}

function checkSubjects(subject: unknown, openBadge: boolean, problem: Problem): void {
  if (subject === undefined) return problem('credentialSubject', 'is required');
  const subjects = asList(subject);
  if (subjects.length === 0) return problem('credentialSubject', 'must not be empty');
  subjects.forEach((entry, index) => {
    const path = Array.isArray(subject) ? `credentialSubject.${index}` : 'credentialSubject';
    if (!isJsonObject(entry) || Object.keys(entry).length === 0) return problem(path, 'must be a non-empty object');
    if (entry.id !== undefined && !isUri(entry.id)) problem(`${path}.id`, 'must be a URI (the recipient DID)');
    if (!openBadge) return;
    if (!typesOf(entry).includes('AchievementSubject')) problem(`${path}.type`, 'must include "AchievementSubject"');
    if (entry.id === undefined && entry.identifier === undefined) problem(path, 'needs an id or an identifier');
    checkAchievement(entry.achievement, `${path}.achievement`, problem);
  });
}

function checkAchievement(achievement: unknown, path: string, problem: Problem): void {
  if (!isJsonObject(achievement)) return problem(path, 'is required, an Achievement object');
  if (!isUri(achievement.id)) problem(`${path}.id`, 'must be a URI');
  if (!typesOf(achievement).includes('Achievement')) problem(`${path}.type`, 'must include "Achievement"');
  for (const field of ['name', 'description'] as const) {
    if (typeof achievement[field] !== 'string' || !achievement[field]) problem(`${path}.${field}`, 'is required');
  }
  const criteria = achievement.criteria;
  if (!isJsonObject(criteria)) problem(`${path}.criteria`, 'is required, with an id or a narrative');
  else if (criteria.id === undefined && criteria.narrative === undefined) problem(`${path}.criteria`, 'needs an id or a narrative');
}

/**
 * Every problem found with `value` as a verifiable presentation (VC 2.0 §4.13), each with its
 * field: `@context` beginning with the VC context, a `type` including `VerifiablePresentation`,
 * an `id` and `holder` that are URLs (or a holder object with one), credentials that are objects,
 * and proofs with their required fields. Its credentials' own shapes are checked one by one
 * when they are verified.
 */
export function checkPresentationShape(value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const problem = (field: string, message: string) => issues.push({ field, message });
  if (!isJsonObject(value)) return [{ field: '', message: 'a presentation is a JSON object' }];

  const context = value['@context'];
  if (!Array.isArray(context) || context.length === 0) {
    problem('@context', `must be a list beginning with "${VC_V2_CONTEXT_URL}"`);
  } else {
    if (context[0] !== VC_V2_CONTEXT_URL && context[0] !== VC_V1_CONTEXT_URL) problem('@context.0', `must be "${VC_V2_CONTEXT_URL}"`);
    context.forEach((entry, index) => {
      if (typeof entry !== 'string' && !isJsonObject(entry)) problem(`@context.${index}`, 'must be a URL or a context object');
    });
  }

  const types = asList(value.type);
  if (types.length === 0) problem('type', 'is required');
  else if (!types.includes('VerifiablePresentation')) problem('type', 'must include "VerifiablePresentation"');
  if (types.some((t) => typeof t !== 'string')) problem('type', 'must hold strings only');

  if (value.id !== undefined && !isUri(value.id)) problem('id', 'must be a URL, e.g. urn:uuid:...');
  if (value.holder !== undefined) {
    if (isJsonObject(value.holder)) {
      if (!isUri(value.holder.id)) problem('holder.id', 'must be a URL (the holder DID)');
    } else if (!isUri(value.holder)) problem('holder', 'must be a URL (the holder DID) or an object with an id');
  }

  asList(value.verifiableCredential).forEach((entry, index) => {
    const path = Array.isArray(value.verifiableCredential) ? `verifiableCredential.${index}` : 'verifiableCredential';
    if (!isJsonObject(entry)) problem(path, 'must be a verifiable credential object, not a number, string or URL');
  });

  checkProofs(value.proof, problem);
  return issues;
}

/** The shape of a credential's or presentation's proof, or each proof of a proof set (`proof.<i>`). */
function checkProofs(proofs: unknown, problem: Problem): void {
  asList(proofs).forEach((proof, index) => {
    const path = Array.isArray(proofs) ? `proof.${index}` : 'proof';
    if (!isJsonObject(proof)) return problem(path, 'must be an object');
    if (typeof proof.type !== 'string') problem(`${path}.type`, 'is required');
    if (!isUri(proof.verificationMethod)) problem(`${path}.verificationMethod`, 'must be a URL');
    if (typeof proof.proofPurpose !== 'string') problem(`${path}.proofPurpose`, 'is required');
    if (proof.type === 'DataIntegrityProof') {
      if (typeof proof.cryptosuite !== 'string') problem(`${path}.cryptosuite`, 'is required');
      if (typeof proof.proofValue !== 'string') problem(`${path}.proofValue`, 'is required');
    }
  });
}
