/**
 * Catalogue entries in the single table: a head item per entry (its latest version, what
 * searches read), an immutable item per version (what credentials freeze), and, for
 * micro-degrees, one "degree ref" per listed component. Searches are Queries on the
 * indexes of keys.ts, never Scans; filters no index serves narrow a Query's results.
 */
import { createHash } from 'node:crypto';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  ValidationError,
  type CatalogueKind,
  type CatalogueQuery,
  type CatalogueRepository,
  type Change,
  type EntryRef,
  type Page,
  type StoredEntry,
} from '@cx/domain';
import { decodeCursor, encodeCursor } from './cursor.js';
import { keys, stripKeys, type ItemKey } from './keys.js';
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
    const item = await this.table.get(keys.catalogueHead(kind, institution, code), consistent);
    return item ? stripKeys<StoredEntry<K>>(item) : undefined;
  }

  async version<K extends CatalogueKind>(kind: K, institution: string, code: string, version: number): Promise<StoredEntry<K> | undefined> {
    const item = await this.table.get(keys.catalogueVersion(kind, institution, code, version));
    return item ? stripKeys<StoredEntry<K>>(item) : undefined;
  }

  /** Heads of several entries at once (BatchGet), keyed `institution/code`. */
  async heads<K extends CatalogueKind>(kind: K, refs: EntryRef[], consistent = false): Promise<Map<string, StoredEntry<K>>> {
    const found = new Map<string, StoredEntry<K>>();
    for (let i = 0; i < refs.length; i += 100) {
      let request: Record<string, { Keys: ItemKey[]; ConsistentRead?: boolean }> | undefined = {
        [this.table.name]: { Keys: refs.slice(i, i + 100).map((r) => keys.catalogueHead(kind, r.institution, r.code)), ConsistentRead: consistent },
      };
      while (request && Object.keys(request).length > 0) {
        const out = await this.table.doc.send(new BatchGetCommand({ RequestItems: request as never }));
        for (const item of out.Responses?.[this.table.name] ?? []) {
          const entry = stripKeys<StoredEntry<K>>(item);
          found.set(`${entry.institution}/${entry.code}`, entry);
        }
        request = out.UnprocessedKeys as typeof request;
      }
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
    const head = new TableChange('catalogue-entry', {
      Put: {
        TableName: this.table.name,
        Item: {
          ...keys.catalogueHead(kind, next.institution, next.code),
          ...keys.catalogueIndexes(kind, next as never),
          entity: 'catalogue-entry',
          schemaVersion: 1,
          kind,
          ...next,
        },
        ...(previous
          ? {
              ConditionExpression: 'version = :version AND updatedAt = :updatedAt',
              ExpressionAttributeValues: { ':version': previous.version, ':updatedAt': previous.updatedAt },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });
    const changes = [head];
    if (!previous || previous.version !== next.version) {
      changes.push(
        new TableChange('catalogue-version', {
          Put: {
            TableName: this.table.name,
            Item: { ...keys.catalogueVersion(kind, next.institution, next.code, next.version), entity: 'catalogue-version', schemaVersion: 1, kind, ...next },
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
    return [
      ...added.map(
        (component) =>
          new TableChange('degree-ref', {
            Put: { TableName: this.table.name, Item: { ...keys.degreeRef(component, degree), entity: 'degree-ref', schemaVersion: 1, component, degree } },
          }),
      ),
      ...removed.map((component) => new TableChange('degree-ref', { Delete: { TableName: this.table.name, Key: keys.degreeRef(component, degree) } })),
    ];
  }

  /** Micro-degrees a component is listed in, by reference (status filtered by the caller). */
  async degreesListing(component: EntryRef, limit: number, cursor?: string): Promise<Page<EntryRef>> {
    const partition = keys.degreeRefPartition(component);
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
      const room = limit - found.length;
      found.push(...items.slice(0, room));
      if (items.length > room) {
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
    return { index: 'gsi2', partition: keys.componentsByBroadField(status, field.slice(0, 2)), sortPrefix, residual };
  }
  if (kind === 'badge' && query.category) {
    return {
      index: 'gsi2',
      partition: keys.badgesByCategory(status, query.category),
      sortPrefix: query.institution ? `${query.institution}#` : undefined,
      residual: { ...query, category: undefined, institution: undefined },
    };
  }
  if (query.institution) {
    return { index: 'gsi1', partition: keys.catalogueAll(kind, status), sortPrefix: `${query.institution}#`, residual: { ...query, institution: undefined } };
  }
  if (query.eqfLevel !== undefined && kind !== 'badge') {
    return { index: 'gsi3', partition: keys.byLevel(kind, status, query.eqfLevel), residual: { ...query, eqfLevel: undefined } };
  }
  return { index: 'gsi1', partition: keys.catalogueAll(kind, status), residual: query };
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
