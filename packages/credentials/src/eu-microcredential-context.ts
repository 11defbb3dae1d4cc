/**
 * The exchange's own JSON-LD context for the EU micro-credential elements that Open Badges 3.0
 * has no field for (Council Recommendation 2022/C 243/02, Annex I): ECTS workload, EQF level,
 * QF-EHEA cycle, ISCED-F field, learning outcomes, assessment and its supervision, form of
 * participation, quality assurance, awarding body, prerequisites, stackability, languages.
 *
 * Elements Open Badges already carries stay in Open Badges terms: the title (`name`), the
 * country of the issuer (`Profile.address.addressCountryCode`), the date of issuing
 * (`validFrom`, `awardedDate`) and the grade (`Result.value`).
 *
 * Credentials carry it inline ({@link EU_MICROCREDENTIAL_INLINE_CONTEXT}), so a verifier never
 * has to reach the deployment that issued them to read them. Credentials issued before that name
 * it by URL ({@link euContextUrl}); the exchange keeps serving it there and bundling it in its
 * document loader, so they keep verifying. That document is versioned by its URL: once
 * published, v1 never changes; a change means a v2 beside it.
 */

/**
 * Vocabulary base of every term. Independent of the deployment's host, so a term means the
 * same thing in every exchange; a URN because the exchange owns no stable domain for it.
 */
export const EU_MICROCREDENTIAL_VOCAB = 'urn:cx:vocab:eu-microcredential:v1#';

const term = (name: string) => `${EU_MICROCREDENTIAL_VOCAB}${name}`;
const set = (name: string) => ({ '@id': term(name), '@container': '@set' });

/**
 * The context document served at {@link euContextUrl}. Every term is `@protected`, so a later
 * context in a credential cannot silently change what an element means; no term reuses a name
 * of the VC 2.0 or Open Badges 3.0.3 contexts (a test keeps it so).
 */
export const EU_MICROCREDENTIAL_CONTEXT_V1 = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    /** Notional workload in ECTS credits (number). */
    ectsCredits: term('ectsCredits'),
    /** European Qualifications Framework level, 1-8 (integer). */
    eqfLevel: term('eqfLevel'),
    /** QF-EHEA cycle where it applies: `short`, `first`, `second` or `third`. */
    qfEheaCycle: term('qfEheaCycle'),
    /** ISCED-F 2013 detailed field, 4 digits, e.g. `0613`. */
    iscedField: term('iscedField'),
    /** What the learner knows and can do after it, one statement each. */
    learningOutcomes: set('learningOutcomes'),
    /** Type of assessment: `written-exam`, `oral-exam`, `project`, `portfolio`, `practical`, `continuous`, `other`. */
    assessmentType: term('assessmentType'),
    /** Supervision and identity check during assessment: `unsupervised`, `supervised`, `supervised-id-check`. */
    assessmentSupervision: term('assessmentSupervision'),
    /** Form of participation: `online`, `onsite`, `blended`. */
    participationForm: term('participationForm'),
    /** Type of quality assurance, as text. */
    qualityAssurance: term('qualityAssurance'),
    /** The awarding body: an Open Badges `Profile` (id, name, url, address). */
    awardingBody: term('awardingBody'),
    /** Prerequisites to enrol, as text. */
    prerequisites: term('prerequisites'),
    /** Integration: `stand-alone`, or `stackable` towards the achievements in `stackableTowards`. */
    stackability: term('stackability'),
    /** Achievements this one counts towards: nodes with `id` and `name`. */
    stackableTowards: set('stackableTowards'),
    /** For a micro-degree: the component achievements it is built from (`id`, `name`, `ectsCredits`). */
    composedOf: set('composedOf'),
    /** Languages of instruction and assessment, ISO 639-1. */
    instructionLanguages: set('instructionLanguages'),
    /** A page with further information (an http(s) URL, as a literal). */
    furtherInformation: { '@id': term('furtherInformation'), '@type': 'http://www.w3.org/2001/XMLSchema#anyURI' },
  },
} as const;

/**
 * The context as credentials embed it (an inline context object in their `@context`): the
 * same term definitions as the v1 document, so a term means exactly what it meant by URL, and
 * no verifier needs the issuing deployment to be reachable, or to know this context, to check one.
 */
export const EU_MICROCREDENTIAL_INLINE_CONTEXT = EU_MICROCREDENTIAL_CONTEXT_V1['@context'];

/** The terms {@link EU_MICROCREDENTIAL_CONTEXT_V1} defines. */
export const EU_MICROCREDENTIAL_TERMS = Object.keys(EU_MICROCREDENTIAL_CONTEXT_V1['@context']).filter((key) => !key.startsWith('@'));

/**
 * Where the exchange serves {@link EU_MICROCREDENTIAL_CONTEXT_V1}: the `@context` entry of
 * credentials issued before the context was embedded.
 * @example euContextUrl('https://exchange.example.eu') // 'https://exchange.example.eu/contexts/eu-microcredential/v1.jsonld'
 */
export function euContextUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/contexts/eu-microcredential/v1.jsonld`;
}
