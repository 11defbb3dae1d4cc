/**
 * The work a credential from outside may cost. JSON-LD processing is far from linear (jsonld
 * deduplicates each list's values pairwise; every typed object re-applies its scoped context)
 * and does not yield, so a 172 KB list of numbers once held the event loop for 19 s. Every
 * entry point that takes a credential (verify routes, the verify page, transfers, issue
 * bodies) checks this budget first, in linear time; the canonicalisation that follows is then
 * bounded again by time and by rdf-canonize's work factor.
 */
import { asList, isJsonObject } from './json-values.js';
import { assertJsonLimits, checkJsonLimits, ValidationError, type JsonLimitIssue, type JsonLimits } from '@cx/domain';

/**
 * Limits above the largest credential the exchange issues, and low enough that the costliest
 * credential within them takes a few hundred milliseconds at most. The largest it issues: a
 * micro-degree of 40 components with 20 evidence entries (about 80 objects and 450 values), a
 * badge with 30 alignments and 20 evidence entries (about 70 objects), a recognition record of
 * 50 items (about 55 objects); lists hold at most 50 items, texts at most 5,000 characters.
 * Only a credential the exchange issued can verify, so nothing larger needs to be accepted.
 */
export const CREDENTIAL_LIMITS: JsonLimits = {
  maxDepth: 16,
  maxNodes: 1000,
  maxObjects: 100,
  maxArrayLength: 64,
  maxStringLength: 10_000,
};

/**
 * How long canonicalising one credential (its document and its proof options) may take;
 * an honest one takes a few milliseconds.
 */
export const CANONIZE_TIME_LIMIT_MS = 500;

/**
 * rdf-canonize's bound on deep iterations (the number of blank nodes with the same first
 * degree hash, to this power): 1 allows what real credentials need and refuses poison graphs.
 */
export const CANONIZE_MAX_WORK_FACTOR = 1;

/**
 * Throws when `value` exceeds {@link CREDENTIAL_LIMITS}: a PayloadTooLargeError (413) for a
 * list, string or credential too large, a ValidationError (400) for nesting too deep or a
 * `__proto__` member; either names the field by its path under `prefix`.
 *
 * @example
 * assertCredentialBudget(body.verifiableCredential, ['verifiableCredential']);
 */
export function assertCredentialBudget(value: unknown, prefix: readonly string[] = []): void {
  assertJsonLimits(value, CREDENTIAL_LIMITS, prefix, 'the credential');
}

/** What {@link assertCredentialBudget} would refuse, for callers that show it on a form instead of throwing. */
export function credentialBudgetIssue(value: unknown, prefix: readonly string[] = []): JsonLimitIssue | undefined {
  return checkJsonLimits(value, CREDENTIAL_LIMITS, prefix);
}

/** As many credentials as one presentation may carry (a transfer takes as many). */
export const MAX_PRESENTED_CREDENTIALS = 50;

/**
 * `value` as a presentation within the work one request may cost: a JSON object holding at
 * most {@link MAX_PRESENTED_CREDENTIALS} credentials, each within the credential budget, and
 * its envelope (holder, proof) within it too. Throws as {@link assertCredentialBudget} does,
 * naming fields under `verifiablePresentation`.
 *
 * @example
 * const vp = boundedPresentation(body.verifiablePresentation);
 */
export function boundedPresentation(value: unknown): Record<string, unknown> {
  if (!isJsonObject(value)) {
    throw ValidationError.field('verifiablePresentation', value === undefined ? 'is required' : 'must be a presentation (a JSON object)');
  }
  const { verifiableCredential, ...envelope } = value;
  const enclosed = asList(verifiableCredential);
  if (enclosed.length > MAX_PRESENTED_CREDENTIALS) {
    throw ValidationError.field('verifiablePresentation.verifiableCredential', `holds ${enclosed.length} credentials; at most ${MAX_PRESENTED_CREDENTIALS} are taken in one presentation`);
  }
  assertCredentialBudget(envelope, ['verifiablePresentation']);
  enclosed.forEach((credential, index) => assertCredentialBudget(credential, ['verifiablePresentation', 'verifiableCredential', ...(Array.isArray(verifiableCredential) ? [String(index)] : [])]));
  return value;
}
