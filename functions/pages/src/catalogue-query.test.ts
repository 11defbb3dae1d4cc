import { describe, expect, it } from 'vitest';
import { parseCatalogueSearch, searchHref } from './catalogue-query.js';

describe('reading the catalogue search form', () => {
  it('turns the filled-in fields into the search query, and leaves empty ones out', () => {
    const search = parseCatalogueSearch({ kind: 'components', q: ' Machine  learning ', field: '061', eqfLevel: '6', language: 'EN', minEcts: '2.5', maxEcts: '', institution: '' });
    expect(search.errors).toEqual({});
    expect(search.query).toEqual({ status: 'active', words: ['machine', 'learning'], field: '061', eqfLevel: 6, language: 'en', minEcts: 2.5 });
  });

  it('ignores the filters another kind of entry has', () => {
    const search = parseCatalogueSearch({ kind: 'badges', field: 'nonsense', category: 'digital-skills' });
    expect(search.errors).toEqual({});
    expect(search.query).toEqual({ status: 'active', category: 'digital-skills' });
  });

  it('names each wrong field with the rule it breaks', () => {
    const search = parseCatalogueSearch({ kind: 'components', eqfLevel: '9', minEcts: '10', maxEcts: '5', participation: 'remote', q: '!!!' });
    expect(Object.keys(search.errors).sort()).toEqual(['eqfLevel', 'maxEcts', 'participation', 'q']);
    expect(search.errors.maxEcts).toBe('must not be below the minimum');
  });

  it('reads a component filter of micro-degrees as institution and code', () => {
    expect(parseCatalogueSearch({ kind: 'micro-degrees', component: 'uni-a/CS-101' }).component).toEqual({ institution: 'uni-a', code: 'CS-101' });
    expect(parseCatalogueSearch({ kind: 'micro-degrees', component: 'CS-101' }).errors.component).toMatch(/institution\/code/);
  });

  it('searches components when the kind is unknown', () => {
    expect(parseCatalogueSearch({ kind: 'courses' }).kind).toBe('component');
  });

  it('builds the address of the next page with the same filters', () => {
    expect(searchHref('components', { q: 'data', eqfLevel: '6' }, 'abc')).toBe('/catalogue?kind=components&q=data&eqfLevel=6&cursor=abc');
  });
});
