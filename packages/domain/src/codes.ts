/** Standard code lists: ISO 3166-1 alpha-2 countries and ISO 639-1 languages, from well-kept packages. */
// the code list alone: the package's default entry also registers the country names of
// every language, about 700 KB that each Lambda bundle would carry and never use
import countries from 'i18n-iso-countries/index.js';
import ISO6391 from 'iso-639-1';

export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

export function isLanguageCode(code: string): boolean {
  return /^[a-z]{2}$/.test(code) && ISO6391.validate(code);
}
