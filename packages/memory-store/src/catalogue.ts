/**
 * Catalogue heads, versions and degree refs. A search filters every head of the kind and
 * lists the matches in the order of the index the DynamoDB adapter would query.
 */
import {
  ConflictError,
  entryBytes,
  MAX_SEARCH_PAGE_BYTES,
  type CatalogueKind,
  type CatalogueQuery,
  type CatalogueRepository,
  type Change,
  type EntryMeta,
  type EntryRef,
  type Page,
  type StoredEntry,
} from '@cx/domain';
import { Items } from './items.js';
import { page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

/** A stored entry of any kind, with what a search looks at (which kinds lack some of). */
type AnyEntry = EntryMeta & {
  kind?: CatalogueKind;
  searchText: string;
  iscedField?: string;
  eqfLevel?: number;
  languages?: string[];
  participation?: string;
  ects?: number;
  category?: string;
};

/** Entries are filed by kind, so an entry read from a kind's items is of that kind. */
const ofKind = <K extends CatalogueKind>(entry: AnyEntry) => entry as unknown as StoredEntry<K>;

const refKey = (component: EntryRef, degree: EntryRef) => `${component.institution}/${component.code}/${degree.institution}/${degree.code}`;

export class MemoryCatalogue implements CatalogueRepository {
  /** Heads by kind, keyed `institution/code`. */
  private readonly headItems: Record<CatalogueKind, Items<AnyEntry>> = { component: new Items(), 'micro-degree': new Items(), badge: new Items() };
  private readonly versionItems = new Items<AnyEntry>();
  private readonly refs = new Items<{ component: EntryRef; degree: EntryRef }>();

  constructor(private readonly unit: UnitOfWork) {}

  async head<K extends CatalogueKind>(kind: K, institution: string, code: string): Promise<StoredEntry<K> | undefined> {
    const entry = this.headItems[kind].get(`${institution}/${code}`);
    return entry && ofKind<K>(entry);
  }

  async version<K extends CatalogueKind>(kind: K, institution: string, code: string, version: number): Promise<StoredEntry<K> | undefined> {
    const entry = this.versionItems.get(`${kind}/${institution}/${code}/${version}`);
    return entry && ofKind<K>(entry);
  }

  async heads<K extends CatalogueKind>(kind: K, refs: EntryRef[]): Promise<Map<string, StoredEntry<K>>> {
    const found = new Map<string, StoredEntry<K>>();
    for (const ref of refs) {
      const entry = this.headItems[kind].get(`${ref.institution}/${ref.code}`);
      if (entry) found.set(`${ref.institution}/${ref.code}`, ofKind<K>(entry));
    }
    return found;
  }

  async write<K extends CatalogueKind>(kind: K, next: StoredEntry<K>, previous: StoredEntry<K> | undefined, alongside: Change[]): Promise<void> {
    const heads = this.headItems[kind];
    const key = `${next.institution}/${next.code}`;
    // stored with its kind, as the DynamoDB items are (publicEntry hides it)
    const stored: AnyEntry = { kind, ...(structuredClone(next) as unknown as AnyEntry) };
    const head = this.unit.change(
      'catalogue-entry',
      `catalogue/${kind}/${key}`,
      () => {
        const current = heads.peek(key);
        return previous ? current?.version === previous.version && current.updatedAt === previous.updatedAt : current === undefined;
      },
      () => heads.set(key, stored),
    );
    const changes = [head];
    if (!previous || previous.version !== next.version) {
      const versionKey = `${kind}/${key}/${next.version}`;
      changes.push(this.unit.change('catalogue-version', `catalogue-version/${versionKey}`, () => !this.versionItems.has(versionKey), () => this.versionItems.set(versionKey, stored)));
    }
    // index 1 is the version, or the first of `alongside`: named as the entry's conflict either way, as the DynamoDB adapter does
    await this.unit.commit([...changes, ...alongside], (index) =>
      index <= 1 ? new ConflictError(`${kind} ${next.institution}/${next.code} was changed by another request; read it again and retry`) : undefined,
    );
  }

  degreeRefs(degree: EntryRef, added: EntryRef[], removed: EntryRef[]): Change[] {
    const ref = (component: EntryRef) => ({ component: { institution: component.institution, code: component.code }, degree: { institution: degree.institution, code: degree.code } });
    return [
      ...added.map((component) =>
        this.unit.change('degree-ref', `degree-ref/${refKey(component, degree)}`, () => true, () => this.refs.set(refKey(component, degree), ref(component))),
      ),
      ...removed.map((component) =>
        this.unit.change('degree-ref', `degree-ref/${refKey(component, degree)}`, () => true, () => this.refs.delete(refKey(component, degree))),
      ),
    ];
  }

  async degreesListing(component: EntryRef, limit: number, cursor?: string): Promise<Page<EntryRef>> {
    const listed = this.refs
      .values()
      .filter((ref) => ref.component.institution === component.institution && ref.component.code === component.code)
      .map((ref) => ({ sortKey: `MD#${ref.degree.institution}#${ref.degree.code}`, item: ref.degree }));
    return page(`degree-refs/${component.institution}/${component.code}`, listed, limit, cursor);
  }

  async search<K extends CatalogueKind>(kind: K, query: CatalogueQuery, limit: number, cursor?: string): Promise<Page<StoredEntry<K>>> {
    const byField = kind === 'component' && Boolean(query.field);
    const matches = this.headItems[kind]
      .values()
      .filter((entry) => matchesQuery(entry, query))
      .map((entry) => {
        const { institution, code, iscedField, eqfLevel } = entry;
        // the sort key of the index the DynamoDB adapter's planSearch picks
        return { sortKey: byField ? `${iscedField}#${eqfLevel}#${institution}#${code}` : `${institution}#${code}`, item: ofKind<K>(entry) };
      });
    const full = page(searchName(kind, query), matches, limit, cursor, { cursor: 'when-more' });
    const fitting = countWithin(full.items, MAX_SEARCH_PAGE_BYTES);
    // a page past the bytes a page holds ends, as the DynamoDB adapter's does, at the last entry that fits
    return fitting === full.items.length ? full : page(searchName(kind, query), matches, fitting, cursor, { cursor: 'when-more' });
  }
}

/** How many of the first items fit within `budget` bytes; at least one. */
function countWithin(items: unknown[], budget: number): number {
  let bytes = 0;
  for (const [index, item] of items.entries()) {
    bytes += entryBytes(item);
    if (index > 0 && bytes > budget) return index;
  }
  return items.length;
}

/** Every filter of the query, with the DynamoDB adapter's meaning (empty strings filter nothing). */
function matchesQuery(entry: AnyEntry, query: CatalogueQuery): boolean {
  const checks = [
    entry.status === query.status,
    !query.institution || entry.institution === query.institution,
    !query.field || (entry.iscedField?.startsWith(query.field) ?? false),
    query.eqfLevel === undefined || entry.eqfLevel === query.eqfLevel,
    !query.language || (Array.isArray(entry.languages) && entry.languages.includes(query.language)),
    !query.participation || entry.participation === query.participation,
    query.minEcts === undefined || (typeof entry.ects === 'number' && entry.ects >= query.minEcts),
    query.maxEcts === undefined || (typeof entry.ects === 'number' && entry.ects <= query.maxEcts),
    !query.category || entry.category === query.category,
    // words are stored space-separated with a leading space: ' word' matches a word prefix
    (query.words ?? []).every((word) => entry.searchText.includes(` ${word}`)),
  ];
  return checks.every(Boolean);
}

/** Names a search by kind and filters (not page size), so a cursor only continues its own search. */
function searchName(kind: CatalogueKind, query: CatalogueQuery): string {
  const filters = Object.entries({ ...query, words: query.words && [...query.words].sort() })
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `search/${JSON.stringify([kind, filters])}`;
}
