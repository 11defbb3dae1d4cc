/**
 * A translator for one language: `t(key, params)` fills a message's `{name}` placeholders
 * (numbers formatted for the language) and picks a plural message's form with
 * `Intl.PluralRules`; dates, numbers, lists and language and country names go through the
 * language's `Intl` formatters. One translator per language, made once.
 */
import type { en } from './catalogues/en.js';
import { CATALOGUES, FORMAT_LOCALES, type Language } from './languages.js';
import type { PlaceholdersOf, PluralMessage } from './message.js';

export type MessageKey = keyof typeof en;
type Param = string | number;
/** `t`'s parameters for a key: none for a plain text, else one value per placeholder. */
export type ParamsOf<K extends MessageKey> = [PlaceholdersOf<(typeof en)[K]>] extends [never] ? [] : [params: Record<PlaceholdersOf<(typeof en)[K]>, Param>];

export interface I18n {
  lang: Language;
  /** A message in this language, with its placeholders filled. */
  t<K extends MessageKey>(key: K, ...params: ParamsOf<K>): string;
  /** `1.5` -> `1.5` / `1,5`. */
  number(value: number): string;
  /** An ISO date or date-time as a day: `12 March 2026` / `12. März 2026`; a value that is no date is shown as given. */
  date(value: unknown): string | undefined;
  /** An ISO date-time: `12 March 2026, 14:05 UTC` / `12. März 2026, 14:05 UTC`. */
  dateTime(value: unknown): string | undefined;
  /** `['a', 'b', 'c']` -> `a, b and c` / `a, b und c`. */
  list(items: string[]): string;
  /** `de` -> `German` / `Deutsch`, or the code when the language has no name for it. */
  languageName(code: string): string;
  /** `NL` -> `Netherlands` / `Niederlande`, or the code. */
  regionName(code: string): string;
}

const translators = new Map<Language, I18n>();

/** The translator of a language (made on first use, then shared). */
export function i18nFor(lang: Language): I18n {
  let translator = translators.get(lang);
  if (!translator) {
    translator = makeTranslator(lang);
    translators.set(lang, translator);
  }
  return translator;
}

function makeTranslator(lang: Language): I18n {
  const messages = CATALOGUES[lang];
  const locale = FORMAT_LOCALES[lang];
  const plurals = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const days = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
  const lists = new Intl.ListFormat(locale, { type: 'conjunction' });
  const languageNames = new Intl.DisplayNames([lang], { type: 'language', fallback: 'code' });
  const regionNames = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' });
  const asDate = (value: unknown): Date | string | undefined => {
    if (typeof value !== 'string') return undefined;
    const time = Date.parse(value);
    return Number.isNaN(time) ? value : new Date(time);
  };
  const named = (names: Intl.DisplayNames, code: string) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  };
  const fill = (text: string, params: Record<string, Param>) =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : typeof value === 'number' ? numbers.format(value) : value;
    });
  return {
    lang,
    t(key, ...args) {
      const message = messages[key];
      const params = (args[0] ?? {}) as Record<string, Param>;
      if (typeof message === 'string') return fill(message, params);
      const count = Number(params.count);
      const form = (message as PluralMessage)[plurals.select(count)] ?? message.other;
      return fill(form, params);
    },
    number: (value) => numbers.format(value),
    date(value) {
      const date = asDate(value);
      return date instanceof Date ? days.format(date) : date;
    },
    dateTime(value) {
      const date = asDate(value);
      return date instanceof Date ? `${days.format(date)}, ${clock.format(date)} UTC` : date;
    },
    list: (items) => lists.format(items),
    languageName: (code) => named(languageNames, code),
    regionName: (code) => named(regionNames, code.toUpperCase()),
  };
}
