/**
 * What makes a JSON value not a VC 2.0 credential, or not an Open Badges 3.0
 * `OpenBadgeCredential`: the reasons behind a 400 answer, before any cryptography.
 */
import type { FieldIssue } from '@cx/domain';
import { OB_V3_CONTEXT_URLS, VC_V1_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts.js';

export interface ShapeOptions {
  /** `open-badge` (default) also asks for what OB 3.0 requires; `vc` only for VC 2.0. */
  profile?: 'vc' | 'open-badge';
  /** Ask for a `proof` (verifying); by default a credential may be unsigned (issuing). */
  requireProof?: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const typesOf = (value: unknown): unknown[] => (isObject(value) ? asList(value.type) : []);
/** An absolute URI: a scheme, a colon, then something. */
const isUri = (value: unknown): value is string => typeof value === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value);
/** An XML Schema dateTime with a time zone, as VC 2.0 requires for validFrom/validUntil. */
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isDateTime = (value: unknown): value is string => typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));

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
  if (!isObject(value)) {
    problem('', 'a credential is a JSON object');
    return issues;
  }
  const openBadge = profile === 'open-badge';

  const context = value['@context'];
  if (!Array.isArray(context) || context.length === 0) {
    problem('@context', `must be a list beginning with "${VC_V2_CONTEXT_URL}"`);
  } else {
    if (context[0] === VC_V1_CONTEXT_URL) problem('@context.0', `VC 1.1 credentials are not accepted: the first context must be "${VC_V2_CONTEXT_URL}"`);
    else if (context[0] !== VC_V2_CONTEXT_URL) problem('@context.0', `must be "${VC_V2_CONTEXT_URL}"`);
    context.forEach((entry, index) => {
      if (typeof entry !== 'string' && !isObject(entry)) problem(`@context.${index}`, 'must be a URL or a context object');
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
      if (!isObject(entry)) problem(path, 'must be an object');
      else if (typesOf(entry).length === 0) problem(`${path}.type`, 'is required');
      else if (entry.id !== undefined && !isUri(entry.id)) problem(`${path}.id`, 'must be a URI');
    });
  }

  if (value.proof === undefined) {
    if (requireProof) problem('proof', 'is required: the credential is not signed');
  } else {
    asList(value.proof).forEach((proof, index) => {
      const path = Array.isArray(value.proof) ? `proof.${index}` : 'proof';
      if (!isObject(proof)) return problem(path, 'must be an object');
      if (typeof proof.type !== 'string') problem(`${path}.type`, 'is required');
      if (!isUri(proof.verificationMethod)) problem(`${path}.verificationMethod`, 'must be a URL');
      if (typeof proof.proofPurpose !== 'string') problem(`${path}.proofPurpose`, 'is required');
      if (proof.type === 'DataIntegrityProof') {
        if (typeof proof.cryptosuite !== 'string') problem(`${path}.cryptosuite`, 'is required');
        if (typeof proof.proofValue !== 'string') problem(`${path}.proofValue`, 'is required');
      }
    });
  }
  return issues;
}

type Problem = (field: string, message: string) => void;

function checkIssuer(issuer: unknown, openBadge: boolean, problem: Problem): void {
  if (issuer === undefined) return problem('issuer', 'is required');
  if (typeof issuer === 'string') {
    if (!isUri(issuer)) problem('issuer', 'must be a URI (a DID)');
    else if (openBadge) problem('issuer', 'must be a Profile object with id, type and name');
    return;
  }
  if (!isObject(issuer)) return problem('issuer', 'must be a URI or an object with an id');
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
    if (!isObject(entry) || Object.keys(entry).length === 0) return problem(path, 'must be a non-empty object');
    if (entry.id !== undefined && !isUri(entry.id)) problem(`${path}.id`, 'must be a URI (the recipient DID)');
    if (!openBadge) return;
    if (!typesOf(entry).includes('AchievementSubject')) problem(`${path}.type`, 'must include "AchievementSubject"');
    if (entry.id === undefined && entry.identifier === undefined) problem(path, 'needs an id or an identifier');
    checkAchievement(entry.achievement, `${path}.achievement`, problem);
  });
}

function checkAchievement(achievement: unknown, path: string, problem: Problem): void {
  if (!isObject(achievement)) return problem(path, 'is required, an Achievement object');
  if (!isUri(achievement.id)) problem(`${path}.id`, 'must be a URI');
  if (!typesOf(achievement).includes('Achievement')) problem(`${path}.type`, 'must include "Achievement"');
  for (const field of ['name', 'description'] as const) {
    if (typeof achievement[field] !== 'string' || !achievement[field]) problem(`${path}.${field}`, 'is required');
  }
  const criteria = achievement.criteria;
  if (!isObject(criteria)) problem(`${path}.criteria`, 'is required, with an id or a narrative');
  else if (criteria.id === undefined && criteria.narrative === undefined) problem(`${path}.criteria`, 'needs an id or a narrative');
}
