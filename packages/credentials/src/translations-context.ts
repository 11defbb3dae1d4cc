/**
 * The exchange's JSON-LD context for an achievement's texts in other languages: the catalogue
 * entry's `translations`, carried in the credential as language-tagged strings
 * (`rdf:langString`), so any JSON-LD processor reads `{ "de": "…" }` as `"…"@de` and the
 * proof, which signs the canonical RDF, covers every translation.
 *
 * Open Badges' own text fields (`name`, `description`, `criteria.narrative`) stay plain
 * strings in the entry's primary language: 1EdTech's OB 3.0 JSON Schema requires strings
 * there, and wallets read them. The translations sit beside them, in terms of their own:
 *
 * ```json
 * "achievement": {
 *   "name": "Introduction to Machine Learning",
 *   "nameTranslations": { "de": "Einführung in das maschinelle Lernen" },
 *   "description": "…", "descriptionTranslations": { "de": "…" },
 *   "criteria": { "narrative": "…", "narrativeTranslations": { "de": "…" } },
 *   "learningOutcomes": ["Train and evaluate a classifier"],
 *   "learningOutcomeTranslations": [
 *     { "original": "Train and evaluate a classifier", "translations": { "de": "Einen Klassifikator trainieren und bewerten" } }
 *   ]
 * }
 * ```
 *
 * Learning outcomes are a set (`@set`: their order is not part of the signed data), so each
 * outcome's translations are paired with it by a node that names the original text, which
 * survives canonicalisation. A language whose outcomes are not one for one with the primary ones
 * (the catalogue lets a translation list its own) gets nodes without `original`: outcomes
 * stated in that language only.
 *
 * Credentials carry this context inline, as the fourth `@context` entry, and only when they
 * carry translations (a credential without any is exactly as before). It is not served by URL,
 * so no verifier needs the exchange to read it. Its terms are versioned by their IRIs: a term
 * whose meaning changes gets a new IRI (a `v2` vocabulary), never a new meaning for the old one.
 */

/** Vocabulary base of every term: the exchange's, like the EU context's, independent of any deployment's host. */
export const TRANSLATIONS_VOCAB = 'urn:cx:vocab:translations:v1#';

const term = (name: string) => `${TRANSLATIONS_VOCAB}${name}`;
const languageMap = (name: string) => ({ '@id': term(name), '@container': '@language' });

/**
 * The context document. Every term is `@protected` (a later context cannot silently change what
 * a translation means) and no term reuses a name of the VC 2.0, Open Badges 3.0.3 or EU
 * micro-credential contexts (a test keeps it so). The per-outcome node's two terms are scoped
 * to `learningOutcomeTranslations`, so they take no name anywhere else in the credential.
 */
export const TRANSLATIONS_CONTEXT_V1 = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    /** The achievement's `name` in other languages: a language map, ISO 639-1 code to text. */
    nameTranslations: languageMap('nameTranslations'),
    /** The achievement's `description` in other languages. */
    descriptionTranslations: languageMap('descriptionTranslations'),
    /** Inside `criteria`: its `narrative` in other languages (badges, whose criteria are the entry's text). */
    narrativeTranslations: languageMap('narrativeTranslations'),
    /** The learning outcomes in other languages: one node per outcome, pairing it with its translations. */
    learningOutcomeTranslations: {
      '@id': term('learningOutcomeTranslations'),
      '@container': '@set',
      '@context': {
        '@version': 1.1,
        '@protected': true,
        /** The outcome as `learningOutcomes` states it (absent: an outcome stated only in the languages given). */
        original: term('original'),
        /** The outcome in other languages: a language map. */
        translations: languageMap('translations'),
      },
    },
  },
} as const;

/** The context as credentials embed it: an inline context object, the last entry of their `@context`. */
export const TRANSLATIONS_INLINE_CONTEXT = TRANSLATIONS_CONTEXT_V1['@context'];

/** The top-level terms {@link TRANSLATIONS_CONTEXT_V1} defines. */
export const TRANSLATIONS_TERMS = Object.keys(TRANSLATIONS_INLINE_CONTEXT).filter((key) => !key.startsWith('@'));

/** A language map as the context reads it: ISO 639-1 code to text. */
export type LanguageMap = Record<string, string>;

/** One learning outcome's node in `learningOutcomeTranslations`. */
export interface LearningOutcomeTranslation {
  original?: string;
  translations: LanguageMap;
}
