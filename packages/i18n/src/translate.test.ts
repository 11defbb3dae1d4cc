import { describe, expect, it } from 'vitest';
import { i18nFor } from './translate.js';

const en = i18nFor('en');
const de = i18nFor('de');

describe('t', () => {
  it('fills placeholders, formatting numbers for the language', () => {
    expect(en.t('fact.ectsShort', { ects: 7.5 })).toBe('7.5 ECTS');
    expect(de.t('fact.ectsShort', { ects: 7.5 })).toBe('7,5 ECTS');
    expect(de.t('transfer.track.title', { university: 'Universität Leipzig' })).toBe('Ihr Anerkennungsantrag bei Universität Leipzig');
  });

  it('picks the plural form by Intl.PluralRules', () => {
    expect([1, 2, 0].map((count) => en.t('catalogue.count.component', { count }))).toEqual(['1 micro-component', '2 micro-components', '0 micro-components']);
    expect([1, 2, 0].map((count) => de.t('catalogue.count.component', { count }))).toEqual(['1 Mikrokomponente', '2 Mikrokomponenten', '0 Mikrokomponenten']);
    expect(de.t('catalogue.count.badge', { count: 1 })).toBe('1 Badge');
  });

  it('answers the same translator for a language every time', () => {
    expect(i18nFor('de')).toBe(de);
  });
});

describe('the formatters', () => {
  it('write dates and date-times as each language does, in UTC', () => {
    expect(en.date('2026-03-12T23:30:00Z')).toBe('12 March 2026');
    expect(de.date('2026-03-12T23:30:00Z')).toBe('12. März 2026');
    expect(en.dateTime('2026-03-12T14:05:00Z')).toBe('12 March 2026, 14:05 UTC');
    expect(de.dateTime('2026-03-12T14:05:00Z')).toBe('12. März 2026, 14:05 UTC');
  });

  it('show a value that is no date as given, and nothing for no value', () => {
    expect(de.dateTime('sometime')).toBe('sometime');
    expect(de.dateTime(undefined)).toBeUndefined();
  });

  it('write numbers, lists and the names of languages and countries in the language', () => {
    expect(de.number(1234.5)).toBe('1.234,5');
    expect(en.number(1234.5)).toBe('1,234.5');
    expect(de.list(['online', 'hybrid', 'in Präsenz'])).toBe('online, hybrid und in Präsenz');
    expect(de.languageName('en')).toBe('Englisch');
    expect(en.languageName('de')).toBe('German');
    expect(de.regionName('NL')).toBe('Niederlande');
    expect(de.regionName('nl')).toBe('Niederlande');
  });
});
