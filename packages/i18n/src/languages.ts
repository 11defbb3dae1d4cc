/** The languages the exchange has catalogues for; adding one is adding its catalogue here. */
import { de } from './catalogues/de.js';
import { en } from './catalogues/en.js';
import type { Message } from './message.js';

/** ISO 639-1 codes, in the order the language switcher lists them. */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** Each language's messages; English is the reference every other catalogue matches key by key. */
export const CATALOGUES: Record<Language, Record<keyof typeof en, Message>> = { en, de };

/** The locale each language formats dates and numbers in: European English ("12 March 2026"), German as in Germany. */
export const FORMAT_LOCALES: Record<Language, string> = { en: 'en-GB', de: 'de-DE' };

/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
