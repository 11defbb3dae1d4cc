/**
 * Which language a request is answered in: an explicit `?lang=` first, then the choice the
 * language switcher remembered (a cookie), then the browser's `Accept-Language` by its
 * q-values, then English.
 */
import { DEFAULT_LANGUAGE, isLanguage, type Language } from './languages.js';

export type LanguageSource = 'query' | 'cookie' | 'accept-language' | 'default';

export interface LanguageRequest {
  /** `?lang=` as given, if any. */
  query?: string;
  /** The remembered choice (the `lang` cookie), if any. */
  cookie?: string;
  /** The `Accept-Language` header, if any. */
  acceptLanguage?: string;
}

/**
 * @example
 * negotiateLanguage({ acceptLanguage: 'fr;q=1, de-AT;q=0.8, en;q=0.5' }) // { lang: 'de', source: 'accept-language' }
 * negotiateLanguage({ query: 'en', cookie: 'de' })                      // { lang: 'en', source: 'query' }
 */
export function negotiateLanguage(request: LanguageRequest): { lang: Language; source: LanguageSource } {
  const query = request.query?.trim().toLowerCase();
  if (query && isLanguage(query)) return { lang: query, source: 'query' };
  const cookie = request.cookie?.trim().toLowerCase();
  if (cookie && isLanguage(cookie)) return { lang: cookie, source: 'cookie' };
  for (const range of acceptedLanguages(request.acceptLanguage ?? '')) {
    const primary = range.split('-')[0]!;
    if (isLanguage(primary)) return { lang: primary, source: 'accept-language' };
  }
  return { lang: DEFAULT_LANGUAGE, source: 'default' };
}

/**
 * The language ranges of an `Accept-Language` header (RFC 9110 section 12.5.4), most wanted
 * first; equal weights keep the header's order, `q=0` means "not this one", and a malformed
 * weight counts as 0 rather than as the highest.
 */
export function acceptedLanguages(header: string): string[] {
  return header
    .slice(0, 1000)
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('q='));
      const weight = q === undefined ? 1 : /^[01](\.\d{0,3})?$/.test(q.slice(2)) ? Number(q.slice(2)) : 0;
      return { range: range.trim().toLowerCase(), weight: Math.min(weight, 1), index };
    })
    .filter((r) => r.range !== '' && r.range !== '*' && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((r) => r.range);
}
