import { componentBodySchema, entryBytes, MAX_SEARCH_PAGE_BYTES, MAX_STORED_ENTRY_BYTES, microDegreeBodySchema, publicEntry, ValidationError } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { componentBody, degreeBody } from '../../../functions/catalogue/src/fixtures.js';
import { asInstitution, testCore } from './test-support.js';

const de = { title: 'Maschinelles Lernen', description: 'Lernen aus Daten.', learningOutcomes: ['Einen Klassifikator trainieren'] };

describe('CatalogueService with translations', () => {
  it('freezes them in the version a credential is issued from, also after the head dropped them', async () => {
    const core = testCore();
    await core.onboard('uni-a');
    await core.publishComponent('uni-a', 'ML-1', { translations: { de } });
    await core.publishComponent('uni-a', 'ML-1');

    const frozen = await core.persistence.catalogue.version('component', 'uni-a', 'ML-1', 1);
    expect(publicEntry(frozen!).translations).toEqual({ de });
    const head = await core.catalogue.get('component', 'uni-a', 'ML-1');
    expect(head).toMatchObject({ version: 2 });
    expect(head).not.toHaveProperty('translations');
  });

  it('stores the words of every language for q, and finds the entry by a translated word', async () => {
    const core = testCore();
    await core.onboard('uni-a');
    await core.publishComponent('uni-a', 'ML-1', { translations: { de } });

    const stored = await core.persistence.catalogue.head('component', 'uni-a', 'ML-1');
    expect(stored?.searchText).toContain(' maschinelles lernen ');
    const found = await core.catalogue.search('component', { status: 'active', words: ['klassifik'] }, 10);
    expect(found.items.map((entry) => [entry.code, entry.translations])).toEqual([['ML-1', { de }]]);
  });

  it('refuses an entry too large to store as one item, naming translations, and writes nothing', async () => {
    const core = testCore();
    await core.onboard('uni-a');
    let n = 0;
    const words = (count: number) => Array.from({ length: count }, () => `w${(n++).toString(36)}`).join(' ');
    const language = () => ({ title: words(40), description: words(700), learningOutcomes: Array.from({ length: 30 }, () => words(140)) });
    const translations = Object.fromEntries(['de', 'fr', 'nl', 'es', 'it', 'pl', 'sv', 'da'].map((code) => [code, language()]));
    const body = componentBodySchema.parse(componentBody({ translations }));
    expect(JSON.stringify(body).length * 2).toBeGreaterThan(MAX_STORED_ENTRY_BYTES);

    const error = await core.catalogue.put('component', 'uni-a', 'BIG', body, undefined, asInstitution('uni-a')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['translations']);
    expect(await core.persistence.catalogue.head('component', 'uni-a', 'BIG')).toBeUndefined();
    expect(await core.audited('uni-a', 'catalogue.component.publish')).toEqual([]);
  });

  it('ends a page of the micro-degrees a component counts towards where its entries reach the bytes a page holds', async () => {
    const core = testCore();
    await core.onboard('uni-a');
    await core.publishComponent('uni-a', 'C-1');
    // nine languages of texts without words: about 316 KB an entry as stored, under the bound an entry may take
    const language = { title: 'Lang', description: '-'.repeat(5000), learningOutcomes: Array.from({ length: 30 }, () => '-'.repeat(1000)) };
    const translations = Object.fromEntries(['de', 'fr', 'nl', 'es', 'it', 'pl', 'sv', 'da', 'fi'].map((code) => [code, language]));
    const codes = Array.from({ length: 14 }, (_, i) => `MD-${String(i).padStart(2, '0')}`);
    for (const code of codes) {
      const body = microDegreeBodySchema.parse(degreeBody([{ institution: 'uni-a', code: 'C-1' }], { translations }));
      await core.catalogue.put('micro-degree', 'uni-a', code, body, undefined, asInstitution('uni-a'));
    }

    const found: string[] = [];
    const pageBytes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await core.catalogue.degreesWithComponent({ institution: 'uni-a', code: 'C-1' }, { status: 'active' }, 100, cursor);
      found.push(...page.items.map((entry) => entry.code));
      pageBytes.push(page.items.reduce((sum, entry) => sum + entryBytes(entry), 0));
      cursor = page.nextCursor;
    } while (cursor && pageBytes.length < 10);

    expect(found).toEqual(codes);
    expect(pageBytes.length).toBeGreaterThan(1);
    for (const bytes of pageBytes) expect(bytes).toBeLessThanOrEqual(MAX_SEARCH_PAGE_BYTES);
  });
});
