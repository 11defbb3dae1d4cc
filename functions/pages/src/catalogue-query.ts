/**
 * The catalogue search form's fields, read into the catalogue search's query with the rules
 * of the search API (`GET /v1/components`, `/v1/micro-degrees`, `/v1/badges`): the same
 * filters, ranges and codes, each problem named by its field so the form can show it there.
 */
import {
  badgeCategories,
  institutionIdSchema,
  isIscedField,
  isLanguageCode,
  participationForms,
  searchWords,
  type CatalogueKind,
  type EntryRef,
} from '@cx/domain';
import type { CatalogueQuery } from '@cx/domain';
import { i18nFor, type I18n } from '@cx/i18n';

export const KIND_SLUGS = { components: 'component', 'micro-degrees': 'micro-degree', badges: 'badge' } as const satisfies Record<string, CatalogueKind>;
export type KindSlug = keyof typeof KIND_SLUGS;
export const SLUG_OF: Record<CatalogueKind, KindSlug> = { component: 'components', 'micro-degree': 'micro-degrees', badge: 'badges' };

/** The filters each kind of entry can be searched by, as the search API has them. */
export const FILTERS: Record<CatalogueKind, readonly string[]> = {
  component: ['q', 'institution', 'field', 'eqfLevel', 'language', 'participation', 'minEcts', 'maxEcts', 'status'],
  'micro-degree': ['q', 'institution', 'eqfLevel', 'component', 'status'],
  badge: ['q', 'institution', 'category', 'status'],
};

export const PAGE_SIZE = 20;

export interface CatalogueSearch {
  kind: CatalogueKind;
  slug: KindSlug;
  /** The form's values as given (trimmed), to fill the form again. */
  values: Record<string, string>;
  query: CatalogueQuery;
  /** Micro-degrees a component counts towards (`institution/code`). */
  component?: EntryRef;
  cursor?: string;
  errors: Record<string, string>;
}

/** Reads the search form. Empty fields are absent filters; fields of other kinds are ignored. */
export function parseCatalogueSearch(params: Record<string, string | undefined>, { t, list }: I18n = i18nFor('en')): CatalogueSearch {
  const slug: KindSlug = params.kind && params.kind in KIND_SLUGS ? (params.kind as KindSlug) : 'components';
  const kind = KIND_SLUGS[slug];
  const values: Record<string, string> = {};
  for (const name of FILTERS[kind]) {
    const value = params[name]?.trim();
    if (value) values[name] = value;
  }
  const errors: Record<string, string> = {};
  const query: CatalogueQuery = { status: 'active' };
  let component: EntryRef | undefined;

  const number = (name: string, min: number, max: number, integer: boolean): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      errors[name] = t(integer ? 'search.error.wholeNumber' : 'search.error.number', { min, max });
      return undefined;
    }
    return value;
  };

  if (values.q !== undefined) {
    const words = [...new Set(searchWords(values.q))].slice(0, 10);
    if (values.q.length > 200) errors.q = t('search.error.qLong', { max: 200 });
    else if (words.length === 0) errors.q = t('search.error.qEmpty');
    else query.words = words;
  }
  if (values.institution !== undefined) {
    if (institutionIdSchema.safeParse(values.institution).success) query.institution = values.institution;
    else errors.institution = t('search.error.institution');
  }
  if (values.field !== undefined) {
    if (isIscedField(values.field)) query.field = values.field;
    else errors.field = t('search.error.field');
  }
  query.eqfLevel = number('eqfLevel', 1, 8, true);
  if (values.language !== undefined) {
    const code = values.language.toLowerCase();
    if (isLanguageCode(code)) query.language = code;
    else errors.language = t('search.error.language');
  }
  if (values.participation !== undefined) {
    if ((participationForms as readonly string[]).includes(values.participation)) query.participation = values.participation;
    else errors.participation = t('search.error.oneOf', { values: list([...participationForms]) });
  }
  query.minEcts = number('minEcts', 0, 60, false);
  query.maxEcts = number('maxEcts', 0, 60, false);
  if (query.minEcts !== undefined && query.maxEcts !== undefined && query.minEcts > query.maxEcts) errors.maxEcts = t('search.error.belowMin');
  if (values.category !== undefined) {
    if ((badgeCategories as readonly string[]).includes(values.category)) query.category = values.category;
    else errors.category = t('search.error.oneOf', { values: list([...badgeCategories]) });
  }
  if (values.component !== undefined) {
    const match = /^([a-z0-9][a-z0-9-]{1,39})\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/.exec(values.component);
    if (match) component = { institution: match[1]!, code: match[2]! };
    else errors.component = t('search.error.component');
  }
  if (values.status !== undefined) {
    if (values.status === 'active' || values.status === 'withdrawn') query.status = values.status;
    else errors.status = t('search.error.status');
  }
  for (const key of Object.keys(query) as Array<keyof CatalogueQuery>) if (query[key] === undefined) delete query[key];

  const cursor = params.cursor && params.cursor.length <= 2000 ? params.cursor : undefined;
  return { kind, slug, values, query, component, cursor, errors };
}

/** The address of a search page: the kind, the form's values and, for later pages, the cursor. */
export function searchHref(slug: KindSlug, values: Record<string, string>, cursor?: string): string {
  const params = new URLSearchParams({ kind: slug, ...values });
  if (cursor) params.set('cursor', cursor);
  return `/catalogue?${params.toString()}`;
}
