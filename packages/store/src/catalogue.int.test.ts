/**
 * The catalogue repository on DynamoDB Local: conditional writes, and searches whose
 * read-ahead is bounded per page however selective the filter.
 */
import { ConflictError, type CatalogueEntry, type CatalogueQuery, type StoredEntry } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshStore } from '../../../test/support/dynamo.js';
import type { Store } from './store.js';

let store: Store;
/** Commands sent through the store's client, in order. */
const sent: Array<{ name: string; input: Record<string, unknown> }> = [];

beforeAll(async () => {
  store = await freshStore();
  store.table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: context.commandName ?? 'unknown', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

function entry(institution: string, code: string, overrides: Partial<StoredEntry<'component'>> = {}): StoredEntry<'component'> {
  return {
    title: `Course ${code}`,
    description: 'A course.',
    learningOutcomes: ['Learn'],
    ects: 5,
    eqfLevel: 6,
    iscedField: '0613',
    languages: ['en'],
    assessment: { type: 'project', supervision: 'supervised' },
    participation: 'online',
    qualityAssurance: 'QA',
    institution,
    code,
    version: 1,
    status: 'active',
    updatedAt: '2026-01-01T00:00:00.000Z',
    contentHash: `hash-${code}`,
    searchText: ` course ${code.toLowerCase()} a course learn `,
    ...overrides,
  } as StoredEntry<'component'>;
}

describe('Catalogue.write', () => {
  it('refuses to create an entry that exists', async () => {
    await store.catalogue.write('component', entry('uni-w', 'DUP'), undefined, []);
    await expect(store.catalogue.write('component', entry('uni-w', 'DUP'), undefined, [])).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a change based on a head that is no longer current', async () => {
    const first = entry('uni-w', 'RACE');
    await store.catalogue.write('component', first, undefined, []);
    const second = entry('uni-w', 'RACE', { version: 2, title: 'Second', contentHash: 'h2', updatedAt: '2026-01-02T00:00:00.000Z' });
    await store.catalogue.write('component', second, first, []);
    const third = entry('uni-w', 'RACE', { version: 2, title: 'Also second', contentHash: 'h3', updatedAt: '2026-01-03T00:00:00.000Z' });
    await expect(store.catalogue.write('component', third, first, [])).rejects.toBeInstanceOf(ConflictError);
    expect((await store.catalogue.head('component', 'uni-w', 'RACE'))?.title).toBe('Second');
  });

  it('keeps each version as it was written', async () => {
    const first = entry('uni-w', 'KEEP');
    const second = entry('uni-w', 'KEEP', { version: 2, title: 'Changed', contentHash: 'h2', updatedAt: '2026-01-02T00:00:00.000Z' });
    await store.catalogue.write('component', first, undefined, []);
    await store.catalogue.write('component', second, first, []);
    expect((await store.catalogue.version('component', 'uni-w', 'KEEP', 1))?.title).toBe('Course KEEP');
    expect((await store.catalogue.version('component', 'uni-w', 'KEEP', 2))?.title).toBe('Changed');
  });
});

describe('Catalogue.search with a selective filter', () => {
  // more entries than one page may read ahead (8 Queries of 200 items), one match at the end
  const COUNT = 1700;
  beforeAll(async () => {
    const entries = Array.from({ length: COUNT }, (_, i) => entry('uni-r', `R-${String(i).padStart(5, '0')}`));
    entries[COUNT - 1] = entry('uni-r', entries[COUNT - 1]!.code, { searchText: ' needle ' });
    let next = 0;
    const worker = async () => {
      for (let e = entries[next++]; e; e = entries[next++]) await store.catalogue.write('component', e, undefined, []);
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }, 120_000);

  it('stops reading after a bounded number of Queries and answers a cursor that leads to the match', async () => {
    const query: CatalogueQuery = { status: 'active', institution: 'uni-r', words: ['needle'] };
    const found: CatalogueEntry[] = [];
    const queriesPerPage: number[] = [];
    let cursor: string | undefined;
    do {
      const from = sent.length;
      const page = await store.catalogue.search('component', query, 20, cursor);
      queriesPerPage.push(sent.slice(from).filter((c) => c.name === 'QueryCommand').length);
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(found.map((e) => e.code)).toEqual([`R-${String(COUNT - 1).padStart(5, '0')}`]);
    expect(queriesPerPage.length).toBeGreaterThan(1);
    for (const count of queriesPerPage) expect(count).toBeLessThanOrEqual(8);
  });

  it('reads exactly one more item than an unfiltered page returns', async () => {
    const from = sent.length;
    const page = await store.catalogue.search('component', { status: 'active', institution: 'uni-r' }, 5);
    expect(page.items).toHaveLength(5);
    const queries = sent.slice(from).filter((c) => c.name === 'QueryCommand');
    expect(queries.map((q) => q.input.Limit)).toEqual([6]);
  });
});
