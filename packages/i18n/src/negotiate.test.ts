import { describe, expect, it } from 'vitest';
import { acceptedLanguages, negotiateLanguage } from './negotiate.js';

describe('negotiateLanguage', () => {
  it('takes ?lang= before the remembered choice and the header', () => {
    expect(negotiateLanguage({ query: 'de', cookie: 'en', acceptLanguage: 'en' })).toEqual({ lang: 'de', source: 'query' });
    expect(negotiateLanguage({ query: 'EN', cookie: 'de' })).toEqual({ lang: 'en', source: 'query' });
  });

  it('takes the remembered choice before Accept-Language', () => {
    expect(negotiateLanguage({ cookie: 'de', acceptLanguage: 'en-GB,en;q=0.9' })).toEqual({ lang: 'de', source: 'cookie' });
  });

  it('ignores a ?lang= or cookie naming a language without a catalogue', () => {
    expect(negotiateLanguage({ query: 'fr', cookie: 'xx', acceptLanguage: 'de' })).toEqual({ lang: 'de', source: 'accept-language' });
  });

  it('takes the most wanted language of Accept-Language that has a catalogue, by q-value', () => {
    expect(negotiateLanguage({ acceptLanguage: 'fr;q=1, de-AT;q=0.8, en;q=0.5' })).toEqual({ lang: 'de', source: 'accept-language' });
    expect(negotiateLanguage({ acceptLanguage: 'en;q=0.4, de;q=0.9' }).lang).toBe('de');
    expect(negotiateLanguage({ acceptLanguage: 'de;q=0, en' }).lang).toBe('en');
  });

  it('answers English when nothing else is asked for or has a catalogue', () => {
    expect(negotiateLanguage({})).toEqual({ lang: 'en', source: 'default' });
    expect(negotiateLanguage({ acceptLanguage: 'fr, es;q=0.5, *;q=0.1' })).toEqual({ lang: 'en', source: 'default' });
  });
});

describe('acceptedLanguages', () => {
  it('orders ranges by weight, keeping the header order for equal weights', () => {
    expect(acceptedLanguages('da, en-gb;q=0.8, en;q=0.7, de;q=0.8')).toEqual(['da', 'en-gb', 'de', 'en']);
  });

  it('drops q=0, wildcards, empty parts and malformed weights', () => {
    expect(acceptedLanguages('de;q=0, *, , fr;q=abc, nl;q=2, en;q=0.1')).toEqual(['en']);
  });
});
