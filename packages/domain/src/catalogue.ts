/**
 * Catalogue entries: micro-components (with every EU micro-credential standard element),
 * micro-degrees that stack components (possibly of partner institutions), and badge classes.
 * Entries are versioned: a credential freezes the version it was issued for.
 */
import { z } from 'zod';
import { isLanguageCode } from './codes.js';
import { httpUrlSchema, institutionIdSchema, timestampSchema } from './common.js';
import { isDetailedIscedField } from './isced.js';

export const catalogueKinds = ['component', 'micro-degree', 'badge'] as const;
export type CatalogueKind = (typeof catalogueKinds)[number];

export const entryCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, underscores or hyphens, starting with a letter or digit')
  .meta({ example: 'CS-101' });

export const entryStatusSchema = z.enum(['active', 'withdrawn']);
export type EntryStatus = z.infer<typeof entryStatusSchema>;

/** A calendar date, YYYY-MM-DD, that exists. */
export const dateSchema = z.iso.date();

const text = (max: number) => z.string().trim().min(1).max(max);

export const entryRefSchema = z.strictObject({ institution: institutionIdSchema, code: entryCodeSchema }).meta({ id: 'EntryRef' });
export type EntryRef = z.infer<typeof entryRefSchema>;

export const learningOutcomesSchema = z.array(text(1000)).min(1).max(30);

export const assessmentTypes = ['written-exam', 'oral-exam', 'project', 'portfolio', 'practical', 'continuous', 'other'] as const;
export const supervisionTypes = ['unsupervised', 'supervised', 'supervised-id-check'] as const;
export const participationForms = ['online', 'onsite', 'blended'] as const;

/**
 * Languages an entry may be translated into at most: the EU's 24 official languages, and a
 * bound on the entry as stored (every translation is kept in the entry and its search words).
 */
export const MAX_TRANSLATIONS = 24;

/**
 * `translations`: the entry's texts in other languages, keyed by ISO 639-1 code, each value
 * checked exactly like the primary field it translates. The primary fields carry no language
 * of their own (an entry does not declare the language it is written in), so a translation
 * into any language is taken, also the one the primary fields happen to be in; readers fall
 * back to the primary fields for a language without a translation.
 */
function translationsSchema<T extends z.ZodType>(translation: T) {
  return z
    .record(z.string(), translation)
    // the key rule as JSON Schema for the OpenAPI document; the refinement below checks the real ISO 639-1 list
    .meta({ propertyNames: { type: 'string', pattern: '^[a-z]{2}$' }, minProperties: 1, maxProperties: MAX_TRANSLATIONS })
    .superRefine((translations, ctx) => {
      const languages = Object.keys(translations);
      if (languages.length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'is empty; leave translations out instead' });
      if (languages.length > MAX_TRANSLATIONS) ctx.addIssue({ code: 'custom', path: [], message: `has ${languages.length} languages, at most ${MAX_TRANSLATIONS}` });
      for (const language of languages) {
        if (!isLanguageCode(language)) ctx.addIssue({ code: 'custom', path: [language], message: 'is not an ISO 639-1 language code (two lowercase letters, e.g. de)' });
      }
    });
}

/** The texts of a component or micro-degree in one more language: title, and optionally description and learning outcomes. */
export const entryTranslationSchema = z
  .strictObject({ title: text(300), description: text(5000).optional(), learningOutcomes: learningOutcomesSchema.optional() })
  .meta({ id: 'EntryTranslation' });
export type EntryTranslation = z.infer<typeof entryTranslationSchema>;

/** The texts of a badge class in one more language: its own text fields, name, and optionally description and criteria. */
export const badgeTranslationSchema = z
  .strictObject({ name: text(300), description: text(5000).optional(), criteria: text(5000).optional() })
  .meta({ id: 'BadgeTranslation' });
export type BadgeTranslation = z.infer<typeof badgeTranslationSchema>;

export const entryTranslationsSchema = translationsSchema(entryTranslationSchema).meta({
  description: `The title, description and learning outcomes in other languages, keyed by ISO 639-1 code (at most ${MAX_TRANSLATIONS}); each checked like the field it translates.`,
  example: {
    de: {
      title: 'Einführung in das maschinelle Lernen',
      description: 'Überwachtes und unüberwachtes Lernen mit Python.',
      learningOutcomes: ['Einen Klassifikator trainieren und bewerten'],
    },
  },
});

export const badgeTranslationsSchema = translationsSchema(badgeTranslationSchema).meta({
  description: `The name, description and criteria in other languages, keyed by ISO 639-1 code (at most ${MAX_TRANSLATIONS}); each checked like the field it translates.`,
  example: { de: { name: 'Peer-Mentoring', criteria: 'Mindestens 12 Mentoring-Termine, bestätigt von der Studienberatung.' } },
});

export const ectsSchema = z
  .number()
  .min(0.5)
  .max(60)
  .refine((n) => Number.isInteger(n * 2), 'must be in steps of 0.5 ECTS');

const validityRefinement = <T extends { validFrom?: string; validUntil?: string }>(value: T, ctx: z.RefinementCtx) => {
  if (value.validFrom && value.validUntil && value.validUntil < value.validFrom) {
    ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before validFrom' });
  }
};

const uniqueRefs = (refs: EntryRef[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  refs.forEach((ref, index) => {
    const key = `${ref.institution}/${ref.code}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: `lists ${key} twice` });
    seen.add(key);
  });
};

export const componentFields = {
  title: text(300),
  description: text(5000),
  learningOutcomes: learningOutcomesSchema,
  ects: ectsSchema.meta({ description: 'Notional workload in ECTS credits (0.5-60, steps of 0.5).' }),
  eqfLevel: z.number().int().min(1).max(8).meta({ description: 'European Qualifications Framework level 1-8.' }),
  iscedField: z
    .string()
    .refine(isDetailedIscedField, 'must be a 4-digit ISCED-F 2013 detailed field, e.g. 0613')
    .meta({ example: '0613' }),
  languages: z
    .array(z.string().refine(isLanguageCode, 'must be an ISO 639-1 language code, e.g. en'))
    .min(1)
    .max(20)
    .refine((list) => new Set(list).size === list.length, 'lists a language twice'),
  assessment: z.strictObject({
    type: z.enum(assessmentTypes),
    supervision: z.enum(supervisionTypes).meta({ description: 'Supervision and identity check during assessment.' }),
  }),
  participation: z.enum(participationForms),
  qualityAssurance: text(2000).meta({ description: 'Type of quality assurance, e.g. "Internal QA, NVAO-accredited programme".' }),
  prerequisites: text(2000).optional(),
  stackableTowards: z.array(entryRefSchema).max(20).superRefine(uniqueRefs).optional(),
  url: httpUrlSchema.optional(),
  validFrom: dateSchema.optional(),
  validUntil: dateSchema.optional(),
  translations: entryTranslationsSchema.optional(),
};

/** The body of `PUT /v1/institutions/{id}/components/{code}`. */
export const componentBodySchema = z.strictObject(componentFields).superRefine(validityRefinement).meta({ id: 'ComponentBody' });
export type ComponentBody = z.infer<typeof componentBodySchema>;

/** One item of `POST /v1/institutions/{id}/components:batch`: the code plus the PUT body. */
export const componentBatchItemSchema = z
  .strictObject({ code: entryCodeSchema, ...componentFields })
  .superRefine(validityRefinement)
  .meta({ id: 'ComponentBatchItem' });

/**
 * Bytes (UTF-8 JSON) an entry may take as stored, with its search words: DynamoDB holds at
 * most 400 KB per item, and the head item carries its keys and index keys besides. The
 * primary fields' own limits keep an entry below it (about 300 KB at four bytes a character);
 * only translations can take one past it.
 */
export const MAX_STORED_ENTRY_BYTES = 350_000;

/**
 * Bytes (UTF-8 JSON) of entries one search page holds at most, whatever its limit: a Lambda
 * answer holds 6 MB, and 100 entries with many translations would be more. A page that
 * reaches it ends early with a cursor; it always holds at least one entry.
 */
export const MAX_SEARCH_PAGE_BYTES = 4_000_000;

/** The bytes an entry takes in a search page, as UTF-8 JSON. */
export function entryBytes(entry: unknown): number {
  return new TextEncoder().encode(JSON.stringify(entry)).length;
}

/** Entries a batch import takes at most. */
export const MAX_BATCH_ITEMS = 500;

export const requirementSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('all') }),
    z.strictObject({ type: z.literal('at-least'), count: z.number().int().min(1).max(40) }),
    z.strictObject({ type: z.literal('min-ects'), ects: ectsSchema.or(z.number().int().min(1).max(600)) }),
  ])
  .meta({ id: 'Requirement', description: 'What a learner must hold to earn the micro-degree.' });
export type Requirement = z.infer<typeof requirementSchema>;

/** At most 40 components: a change must fit one DynamoDB transaction with its index entries. */
export const MAX_DEGREE_COMPONENTS = 40;

export const microDegreeBodySchema = z
  .strictObject({
    title: text(300),
    description: text(5000),
    learningOutcomes: learningOutcomesSchema,
    eqfLevel: componentFields.eqfLevel,
    components: z.array(entryRefSchema).min(1).max(MAX_DEGREE_COMPONENTS).superRefine(uniqueRefs),
    requirement: requirementSchema,
    translations: entryTranslationsSchema.optional(),
  })
  .meta({ id: 'MicroDegreeBody' });
export type MicroDegreeBody = z.infer<typeof microDegreeBodySchema>;

export const badgeCategories = [
  'digital-skills',
  'social-engagement',
  'project-experience',
  'language-skills',
  'intercultural-experience',
  'other',
] as const;

export const badgeBodySchema = z
  .strictObject({
    name: text(300),
    description: text(5000),
    category: z.enum(badgeCategories),
    criteria: text(5000),
    alignments: z
      .array(z.strictObject({ targetName: text(300), targetUrl: httpUrlSchema }))
      .max(30)
      .optional()
      .meta({ description: 'Skills or frameworks the badge aligns to, e.g. ESCO skills.' }),
    evidenceRequired: z.boolean().optional(),
    translations: badgeTranslationsSchema.optional(),
  })
  .meta({ id: 'BadgeBody' });
export type BadgeBody = z.infer<typeof badgeBodySchema>;

export type EntryBody<K extends CatalogueKind> = K extends 'component' ? ComponentBody : K extends 'micro-degree' ? MicroDegreeBody : BadgeBody;

/** What the exchange adds to every stored entry. */
export const entryMetaFields = {
  institution: institutionIdSchema,
  code: entryCodeSchema,
  version: z.number().int().min(1),
  status: entryStatusSchema,
  updatedAt: timestampSchema,
};

export interface EntryMeta {
  institution: string;
  code: string;
  version: number;
  status: EntryStatus;
  updatedAt: string;
}

export type CatalogueEntry<K extends CatalogueKind = CatalogueKind> = EntryBody<K> & EntryMeta & (K extends 'micro-degree' ? { totalEcts: number } : unknown);

export const componentSchema = z
  .object({ ...componentFields, ...entryMetaFields, stackableTowards: z.array(entryRefSchema).optional() })
  .meta({ id: 'Component' });
export const microDegreeSchema = z
  .object({
    title: z.string(),
    description: z.string(),
    learningOutcomes: z.array(z.string()),
    eqfLevel: z.number().int(),
    components: z.array(entryRefSchema),
    requirement: requirementSchema,
    totalEcts: z.number(),
    translations: entryTranslationsSchema.optional(),
    ...entryMetaFields,
  })
  .meta({ id: 'MicroDegree' });
export const badgeSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    category: z.enum(badgeCategories),
    criteria: z.string(),
    alignments: z.array(z.object({ targetName: z.string(), targetUrl: z.string() })).optional(),
    evidenceRequired: z.boolean().optional(),
    translations: badgeTranslationsSchema.optional(),
    ...entryMetaFields,
  })
  .meta({ id: 'Badge' });

/** Words of a search text, as indexed and as searched: lowercase, without diacritics. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** The texts `q` searches in one language: title/name, description and learning outcomes (a badge's criteria are left out). */
interface SearchableTexts {
  title?: string;
  name?: string;
  description?: string;
  learningOutcomes?: string[];
  criteria?: string;
}

/**
 * The text `q` searches: the title/name, description and learning outcomes, in the primary
 * language and in every translation, normalised. Each word is kept once (in the order it first
 * occurs): a search matches ` word` as a prefix anywhere, so repeats add nothing, and
 * translations repeat many words (names, numbers, terms of art).
 * @example searchTextOf({ title: 'Data Science', description: 'Data.', translations: { de: { title: 'Datenwissenschaft' } } }) // ' data science datenwissenschaft '
 */
export function searchTextOf(body: SearchableTexts & { translations?: Record<string, SearchableTexts> }): string {
  const texts = [body, ...Object.values(body.translations ?? {})];
  const parts = texts.flatMap((t) => [t.title ?? t.name ?? '', t.description ?? '', ...(t.learningOutcomes ?? [])]);
  return ` ${[...new Set(searchWords(parts.join(' ')))].join(' ')} `;
}

/** Whether a requirement can be met by the listed components. */
export function requirementProblem(requirement: Requirement, componentCount: number, totalEcts: number): string | undefined {
  if (requirement.type === 'at-least' && requirement.count > componentCount) {
    return `asks for at least ${requirement.count} components but only ${componentCount} are listed`;
  }
  if (requirement.type === 'min-ects' && requirement.ects > totalEcts) {
    return `asks for ${requirement.ects} ECTS but the listed components add up to ${totalEcts}`;
  }
  return undefined;
}

const PLURAL: Record<CatalogueKind, string> = { component: 'components', 'micro-degree': 'micro-degrees', badge: 'badges' };

/**
 * The API URL of a catalogue entry, or of one version of it: what credentials name as their
 * achievement (a version never changes) and what recognition reads back from them.
 * @example catalogueEntryUrl('https://x.eu', 'component', 'uni-a', 'ML-1', 2) // 'https://x.eu/v1/institutions/uni-a/components/ML-1/versions/2'
 */
export function catalogueEntryUrl(publicUrl: string, kind: CatalogueKind, institution: string, code: string, version?: number): string {
  const entry = `${publicUrl}/v1/institutions/${institution}/${PLURAL[kind]}/${encodeURIComponent(code)}`;
  return version === undefined ? entry : `${entry}/versions/${version}`;
}
