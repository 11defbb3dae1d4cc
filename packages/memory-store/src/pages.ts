/**
 * Paging over sorted items with opaque cursors, as the DynamoDB adapter pages: items in
 * sort-key order (UTF-8 byte order, as DynamoDB sorts strings), a cursor naming the last
 * item returned, and a cursor from any other listing refused with a ValidationError.
 */
import { cursorRefused, decodeCursorObject, encodeCursor, type Page } from '@cx/domain';

/** An item with the sort key it is listed under (the one packages/store keys.ts builds). */
export interface Sorted<T> {
  sortKey: string;
  item: T;
}

export interface PageOptions {
  newestFirst?: boolean;
  /**
   * When a full page gets a cursor: `always` as a DynamoDB Query with a Limit does (the next
   * page may be empty), `when-more` only when more items follow (catalogue searches).
   */
  cursor?: 'always' | 'when-more';
}

/** Sort keys compared as DynamoDB compares string keys: by their UTF-8 bytes. */
export function compareSortKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Every item in listing order. */
export function inOrder<T>(items: Array<Sorted<T>>, newestFirst = false): T[] {
  const sorted = [...items].sort((a, b) => compareSortKeys(a.sortKey, b.sortKey) * (newestFirst ? -1 : 1));
  return sorted.map((entry) => entry.item);
}

/**
 * One page of `listing`. `listing` names the list (its partition and filters), so that a
 * cursor only continues the list it came from.
 */
export function page<T>(listing: string, items: Array<Sorted<T>>, limit: number, cursor: string | undefined, options: PageOptions = {}): Page<T> {
  const after = decode(listing, cursor);
  const direction = options.newestFirst ? -1 : 1;
  const sorted = [...items].sort((a, b) => compareSortKeys(a.sortKey, b.sortKey) * direction);
  const rest = after === undefined ? sorted : sorted.filter((entry) => compareSortKeys(entry.sortKey, after) * direction > 0);
  const taken = rest.slice(0, limit);
  const full = taken.length === limit && taken.length > 0;
  const more = options.cursor === 'when-more' ? rest.length > limit : full;
  return {
    items: taken.map((entry) => entry.item),
    nextCursor: more ? encode(listing, taken.at(-1)!.sortKey) : undefined,
  };
}

function encode(listing: string, after: string): string {
  return encodeCursor({ listing, after });
}

function decode(listing: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const { listing: from, after } = decodeCursorObject(cursor);
  if (from !== listing || typeof after !== 'string') throw cursorRefused();
  return after;
}
