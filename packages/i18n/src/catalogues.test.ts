/**
 * Every language's catalogue has exactly the English keys, each with the same placeholders and,
 * for a plural message, the plural forms its language needs: a missing, extra or misspelt key or
 * placeholder in any language fails here, naming it.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES } from './languages.js';
import { placeholderNames, type Message } from './message.js';

const reference = CATALOGUES.en as Record<string, Message>;

describe.each(LANGUAGES.filter((lang) => lang !== 'en'))('the %s catalogue', (lang) => {
  const catalogue = CATALOGUES[lang] as Record<string, Message>;

  it('has every English key', () => {
    expect(Object.keys(reference).filter((key) => !(key in catalogue))).toEqual([]);
  });

  it('has no key English lacks', () => {
    expect(Object.keys(catalogue).filter((key) => !(key in reference))).toEqual([]);
  });

  it('uses the same placeholders as English in every message', () => {
    const differing = Object.keys(reference)
      .filter((key) => key in catalogue && placeholderNames(catalogue[key]!).join() !== placeholderNames(reference[key]!).join())
      .map((key) => `${key}: ${placeholderNames(catalogue[key]!).join()} (English: ${placeholderNames(reference[key]!).join()})`);
    expect(differing).toEqual([]);
  });

  it('makes a plural message plural wherever English does, with every form the language uses', () => {
    const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    const wrong = Object.keys(reference)
      .filter((key) => typeof reference[key] !== 'string')
      .filter((key) => {
        const message = catalogue[key];
        return typeof message === 'string' || message === undefined || forms.some((form) => !(form in message));
      });
    expect(wrong).toEqual([]);
  });

  it('translates the texts, not only copies them (few texts read the same in two languages)', () => {
    const same = Object.keys(reference).filter((key) => typeof reference[key] === 'string' && reference[key] === catalogue[key]);
    expect(same.length / Object.keys(reference).length).toBeLessThan(0.15);
  });
});

describe('the English catalogue', () => {
  it('gives every plural message the forms English uses', () => {
    const forms = new Intl.PluralRules('en').resolvedOptions().pluralCategories;
    const wrong = Object.entries(reference).filter(([, message]) => typeof message !== 'string' && forms.some((form) => !(form in message)));
    expect(wrong).toEqual([]);
  });

  it('uses placeholders made of word characters only, so a brace in a text is never taken for one', () => {
    const odd = Object.entries(reference).flatMap(([key, message]) =>
      (typeof message === 'string' ? [message] : Object.values(message)).flatMap((text) => [...text!.matchAll(/\{([^}]*)\}/g)].filter((m) => !/^\w+$/.test(m[1]!)).map(() => key)),
    );
    expect(odd).toEqual([]);
  });
});

describe('placeholderNames', () => {
  it('reads the placeholders of a text, and count for a plural message', () => {
    expect(placeholderNames('{n} of {total}, starting with {')).toEqual(['n', 'total']);
    expect(placeholderNames({ one: 'one {kind}', other: '{count} {kind}s' })).toEqual(['count', 'kind']);
  });
});
