/**
 * Catalogue entries in the single table: a head item per entry (its latest version, what
 * searches read), an immutable item per version (what credentials freeze), and, for
 * micro-degrees, one "degree ref" per listed component. Searches are Queries on the
 * indexes entities.ts declares, never Scans; filters no index serves narrow a Query's results.
 */
import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  entryBytes,
  MAX_SEARCH_PAGE_BYTES,
  ValidationError,
  type CatalogueKind,
  type CatalogueQuery,
  type CatalogueRepository,
  type Change,
  type EntryRef,
  type EntryStatus,
  type Page,
  type StoredEntry,
} from '@cx/domain';
import { decodeCursor, encodeCursor } from './cursor.js';
import { catalogueEntities, entities } from './entities.js';
import { stripKeys, type IndexKeys } from './keys.js';
import { TableChange } from './table-change.js';
import { PAGE_KEYS, type Table } from './table.js';

/** Query calls one search page may make before it answers with what it found and a cursor. */
const MAX_QUERIES_PER_PAGE = 8;
/** Items a Query reads per call while filling a filtered page. */
const READ_BATCH = 200;

interface Plan {
  index: 'gsi1' | 'gsi2' | 'gsi3';
  partition: string;
  sortPrefix?: string;
  /** Query filters the index does not serve. */
  residual: CatalogueQuery;
}

export class Catalogue implements CatalogueRepository {
  constructor(private readonly table: Table) {}

  async head<K extends CatalogueKind>(kind: K, institution: string, code: string, consistent = false): Promise<StoredEntry<K> | undefined> {
    const item = await this.table.get(catalogueEntities[kind].head.key({ institution, code }), consistent);
    return item ? stripKeys<StoredEntry<K>>(item) : undefined;
  }

  async version<K extends CatalogueKind>(kind: K, institution: string, code: string, version: number): Promise<StoredEntry<K> | undefined> {
    const item = await this.table.get(catalogueEntities[kind].version.key({ institution, code, version }));
    return item ? stripKeys<StoredEntry<K>>(item) : undefined;
  }

  /** Heads of several entries at once (BatchGet), keyed `institution/code`. */
  async heads<K extends CatalogueKind>(kind: K, refs: EntryRef[], consistent = false): Promise<Map<string, StoredEntry<K>>> {
    const items = await this.table.getMany(refs.map((ref) => catalogueEntities[kind].head.key(ref)), consistent);
    const found = new Map<string, StoredEntry<K>>();
    for (const item of items) {
      const entry = stripKeys<StoredEntry<K>>(item);
      found.set(`${entry.institution}/${entry.code}`, entry);
    }
    return found;
  }

  /**
   * Writes the head of an entry (and its version item when the version is new) together
   * with `alongside`, conditional on the head being what the caller read.
   */
  async write<K extends CatalogueKind>(
    kind: K,
    next: StoredEntry<K>,
    previous: StoredEntry<K> | undefined,
    alongside: Change[],
  ): Promise<void> {
    const { head, version } = catalogueEntities[kind];
    const changes = [
      new TableChange(head.name, {
        Put: {
          TableName: this.table.name,
          Item: { ...head.key(next), ...headIndexes(kind, next), ...head.metadata, kind, ...next },
          ...(previous
            ? {
                ConditionExpression: 'version = :version AND updatedAt = :updatedAt',
                ExpressionAttributeValues: { ':version': previous.version, ':updatedAt': previous.updatedAt },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      }),
    ];
    if (!previous || previous.version !== next.version) {
      changes.push(
        new TableChange(version.name, {
          Put: {
            TableName: this.table.name,
            Item: { ...version.key(next), ...version.metadata, kind, ...next },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      );
    }
    await this.table.commit([...changes, ...alongside], (index) =>
      index <= 1 ? new ConflictError(`${kind} ${next.institution}/${next.code} was changed by another request; read it again and retry`) : undefined,
    );
  }

  /** Changes that record "component counts towards degree" for `added`, and forget it for `removed`. */
  degreeRefs(degree: EntryRef, added: EntryRef[], removed: EntryRef[]): TableChange[] {
    const { degreeRef } = entities;
    const key = (component: EntryRef) =>
      degreeRef.key({ componentInstitution: component.institution, componentCode: component.code, degreeInstitution: degree.institution, degreeCode: degree.code });
    return [
      ...added.map(
        (component) =>
          new TableChange(degreeRef.name, { Put: { TableName: this.table.name, Item: { ...key(component), ...degreeRef.metadata, component, degree } } }),
      ),
      ...removed.map((component) => new TableChange(degreeRef.name, { Delete: { TableName: this.table.name, Key: key(component) } })),
    ];
  }

  /** Micro-degrees a component is listed in, by reference (status filtered by the caller). */
  async degreesListing(component: EntryRef, limit: number, cursor?: string): Promise<Page<EntryRef>> {
    const partition = entities.degreeRef.partition({ componentInstitution: component.institution, componentCode: component.code });
    const page = await this.table.page(undefined, partition, limit, cursor);
    return { items: page.items.map((item) => item.degree as EntryRef), nextCursor: page.nextCursor };
  }

  /** One page of a search, in the chosen index's order; stable under new publications. */
  async search<K extends CatalogueKind>(kind: K, query: CatalogueQuery, limit: number, cursor?: string): Promise<Page<StoredEntry<K>>> {
    const plan = planSearch(kind, query);
    const pkName = `${plan.index}pk`;
    const skName = `${plan.index}sk`;
    const search = searchFingerprint(kind, query);
    let startKey = startKeyOf(cursor, plan, search);
    const filter = filterExpression(plan.residual);
    const found: Record<string, unknown>[] = [];
    let bytes = 0;
    let more = false;
    for (let call = 0; call < MAX_QUERIES_PER_PAGE; call++) {
      const out = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: plan.index,
          KeyConditionExpression: plan.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pkName, ...(plan.sortPrefix ? { '#sk': skName } : {}), ...filter.names },
          ExpressionAttributeValues: { ':pk': plan.partition, ...(plan.sortPrefix ? { ':prefix': plan.sortPrefix } : {}), ...filter.values },
          FilterExpression: filter.expression,
          ExclusiveStartKey: startKey,
          // unfiltered pages read exactly what they return; filtered ones read ahead
          Limit: filter.expression ? Math.max(READ_BATCH, limit) : limit + 1 - found.length,
        }),
      );
      const items = out.Items ?? [];
      let taken = 0;
      // up to the limit, and within the page's bytes (a first entry always fits)
      for (const item of items) {
        if (found.length === limit) break;
        const size = entryBytes(item);
        if (found.length > 0 && bytes + size > MAX_SEARCH_PAGE_BYTES) break;
        found.push(item);
        bytes += size;
        taken++;
      }
      if (taken < items.length) {
        more = true;
        break;
      }
      startKey = out.LastEvaluatedKey as typeof startKey;
      if (!startKey) break;
      if (found.length === limit) {
        more = true;
        break;
      }
      more = call === MAX_QUERIES_PER_PAGE - 1;
    }
    // the cursor points at the last item returned, so items read ahead but not returned come next time
    const last = found.at(-1);
    const nextKey = more
      ? found.length > 0
        ? Object.fromEntries(PAGE_KEYS[plan.index].map((name) => [name, last![name]]))
        : startKey
      : undefined;
    return {
      items: found.map((item) => stripKeys<StoredEntry<K>>(item)),
      nextCursor: encodeCursor(nextKey ? { ...(nextKey as Record<string, unknown>), search } : undefined),
    };
  }
}

/**
 * Names a search (kind and filters, not the page size), so that a cursor only continues
 * the search it came from: searches on the same index partition differ in key range and
 * filters, and a key from another one would be a DynamoDB error or a wrong page.
 */
function searchFingerprint(kind: CatalogueKind, query: CatalogueQuery): string {
  const filters = Object.entries({ ...query, words: query.words && [...query.words].sort() })
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify([kind, filters])).digest('base64url').slice(0, 16);
}

/** The start key a cursor carries, checked to lie in the planned key range of the same search. */
function startKeyOf(cursor: string | undefined, plan: Plan, search: string): Record<string, string> | undefined {
  const decoded = decodeCursor(cursor, { [`${plan.index}pk`]: plan.partition, search }, [...PAGE_KEYS[plan.index], 'search']);
  if (!decoded) return undefined;
  const { search: _search, ...key } = decoded;
  const sortKey = key[`${plan.index}sk`];
  const inRange =
    Object.values(key).every((value) => typeof value === 'string') &&
    (plan.sortPrefix === undefined || (typeof sortKey === 'string' && sortKey.startsWith(plan.sortPrefix)));
  if (!inRange) throw ValidationError.field('cursor', 'is not a cursor this search returned');
  return key as Record<string, string>;
}

/** Picks the index that serves the most selective filter; the rest become Query filters. */
export function planSearch(kind: CatalogueKind, query: CatalogueQuery): Plan {
  const { status } = query;
  if (kind === 'component' && query.field) {
    const field = query.field;
    const sortPrefix = field.length === 4 ? (query.eqfLevel !== undefined ? `${field}#${query.eqfLevel}#` : `${field}#`) : field.length === 3 ? field : undefined;
    const residual = { ...query, field: undefined, eqfLevel: field.length === 4 ? undefined : query.eqfLevel };
    return { index: 'gsi2', partition: entities.component.indexPartition('gsi2', { status, broadField: field.slice(0, 2) }), sortPrefix, residual };
  }
  if (kind === 'badge' && query.category) {
    return {
      index: 'gsi2',
      partition: entities.badge.indexPartition('gsi2', { status, category: query.category }),
      sortPrefix: query.institution ? `${query.institution}#` : undefined,
      residual: { ...query, category: undefined, institution: undefined },
    };
  }
  if (query.institution) {
    return { index: 'gsi1', partition: everyEntry(kind, status), sortPrefix: `${query.institution}#`, residual: { ...query, institution: undefined } };
  }
  if (query.eqfLevel !== undefined && kind !== 'badge') {
    const level = { status, eqfLevel: query.eqfLevel };
    const partition = kind === 'component' ? entities.component.indexPartition('gsi3', level) : entities.microDegree.indexPartition('gsi3', level);
    return { index: 'gsi3', partition, residual: { ...query, eqfLevel: undefined } };
  }
  return { index: 'gsi1', partition: everyEntry(kind, status), residual: query };
}

/** The gsi1 partition listing every entry of a kind with a status, by institution and code. */
function everyEntry(kind: CatalogueKind, status: EntryStatus): string {
  switch (kind) {
    case 'component':
      return entities.component.indexPartition('gsi1', { status });
    case 'micro-degree':
      return entities.microDegree.indexPartition('gsi1', { status });
    case 'badge':
      return entities.badge.indexPartition('gsi1', { status });
  }
}

/** What a head's indexes are built from: a component always has a field and a level, a micro-degree a level, a badge a category. */
interface SearchableEntry {
  institution: string;
  code: string;
  status: EntryStatus;
  iscedField?: string;
  eqfLevel?: number;
  category?: string;
}

function headIndexes(kind: CatalogueKind, entry: SearchableEntry): IndexKeys {
  switch (kind) {
    case 'component': {
      const { component } = entities;
      const field = { ...entry, iscedField: entry.iscedField!, eqfLevel: entry.eqfLevel!, broadField: entry.iscedField!.slice(0, 2) };
      return { ...component.index('gsi1', entry), ...component.index('gsi2', field), ...component.index('gsi3', field) };
    }
    case 'micro-degree':
      return { ...entities.microDegree.index('gsi1', entry), ...entities.microDegree.index('gsi3', { ...entry, eqfLevel: entry.eqfLevel! }) };
    case 'badge':
      return { ...entities.badge.index('gsi1', entry), ...entities.badge.index('gsi2', { ...entry, category: entry.category! }) };
  }
}

function filterExpression(query: CatalogueQuery): { expression?: string; names: Record<string, string>; values: Record<string, unknown> } {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const add = (attribute: string, clause: (name: string) => string, value?: Record<string, unknown>) => {
    names[`#${attribute}`] = attribute;
    parts.push(clause(`#${attribute}`));
    Object.assign(values, value);
  };
  if (query.institution) add('institution', (n) => `${n} = :institution`, { ':institution': query.institution });
  if (query.field) add('iscedField', (n) => `begins_with(${n}, :field)`, { ':field': query.field });
  if (query.eqfLevel !== undefined) add('eqfLevel', (n) => `${n} = :eqf`, { ':eqf': query.eqfLevel });
  if (query.language) add('languages', (n) => `contains(${n}, :language)`, { ':language': query.language });
  if (query.participation) add('participation', (n) => `${n} = :participation`, { ':participation': query.participation });
  if (query.minEcts !== undefined) add('ects', (n) => `${n} >= :minEcts`, { ':minEcts': query.minEcts });
  if (query.maxEcts !== undefined) {
    names['#ects'] = 'ects';
    parts.push('#ects <= :maxEcts');
    values[':maxEcts'] = query.maxEcts;
  }
  if (query.category) add('category', (n) => `${n} = :category`, { ':category': query.category });
  if (query.words?.length) {
    names['#searchText'] = 'searchText';
    query.words.forEach((word, i) => {
      // words are stored space-separated with a leading space: ' word' matches a word prefix
      parts.push(`contains(#searchText, :w${i})`);
      values[`:w${i}`] = ` ${word}`;
    });
  }
  return { expression: parts.length ? parts.join(' AND ') : undefined, names, values };
}
