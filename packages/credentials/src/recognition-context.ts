/**
 * The exchange's JSON-LD context for recognition records: the credential a receiving
 * institution signs when it has decided a transfer, listing what it recognised (and as
 * what, for how many ECTS) and what it refused, with the substantial difference named.
 * Records carry it inline ({@link RECOGNITION_INLINE_CONTEXT}); records issued before name it
 * by URL, where the exchange keeps serving it. Versioned by its URL: v1 never changes once published.
 */

export const RECOGNITION_VOCAB = 'urn:cx:vocab:recognition:v1#';

const term = (name: string) => `${RECOGNITION_VOCAB}${name}`;
const ref = (name: string) => ({ '@id': term(name), '@type': '@id' });
const set = (name: string) => ({ '@id': term(name), '@container': '@set' });

export const RECOGNITION_CONTEXT_V1 = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    RecognitionRecord: term('RecognitionRecord'),
    RecognitionSubject: term('RecognitionSubject'),
    RecognisedItem: term('RecognisedItem'),
    RejectedItem: term('RejectedItem'),
    /** The transfer this record decides, as a URL of the exchange. */
    transfer: ref('transfer'),
    /** The receiving institution's name for the student. */
    studentName: term('studentName'),
    /** Salted SHA-256 of the student's email, `sha256$<hex>`, when the student has no DID. */
    studentEmailHash: term('studentEmailHash'),
    studentEmailSalt: term('studentEmailSalt'),
    recognisedItems: set('recognisedItems'),
    rejectedItems: set('rejectedItems'),
    /** The credential recognised or refused (its `id`, e.g. `urn:uuid:...`). */
    originalCredential: ref('originalCredential'),
    /** The DID of the institution that issued it. */
    originalIssuer: ref('originalIssuer'),
    /** The partner's catalogue entry, at the version the credential was issued for (a URL). */
    partnerComponent: ref('partnerComponent'),
    ectsRecognised: term('ectsRecognised'),
    totalEctsRecognised: term('totalEctsRecognised'),
    /** The receiving institution's own component the item counts as (its code). */
    recognisedAs: term('recognisedAs'),
    /** For a refusal: level, workload, learning-outcomes, quality or profile. */
    substantialDifference: term('substantialDifference'),
    justification: term('justification'),
    decidedAt: term('decidedAt'),
  },
} as const;

/**
 * The context as recognition records embed it (an inline context object): the v1 document's
 * term definitions, so a record verifies without the issuing deployment being reachable.
 */
export const RECOGNITION_INLINE_CONTEXT = RECOGNITION_CONTEXT_V1['@context'];

/** Where the exchange serves {@link RECOGNITION_CONTEXT_V1}: the `@context` entry of records issued before it was embedded. */
export function recognitionContextUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/contexts/recognition/v1.jsonld`;
}
