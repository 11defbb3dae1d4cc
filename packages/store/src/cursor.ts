/**
 * Opaque pagination cursors. A cursor is the page's LastEvaluatedKey, encoded; it is
 * checked against the partition being listed on the way back in, so a forged or stale
 * cursor is a 400, never a read of another partition or a DynamoDB error.
 */
import { cursorRefused, decodeCursorObject, encodeCursor as encodePosition } from '@cx/domain';

export type StartKey = Record<string, string | number>;

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? encodePosition(lastKey) : undefined;
}

/**
 * @param expected attribute values the key must carry (the listed partition), e.g. `{ gsi1pk: 'MEMBERS' }`
 * @param attributes every attribute name a valid key has for this index
 */
export function decodeCursor(cursor: string | undefined, expected: Record<string, string>, attributes: string[]): StartKey | undefined {
  if (cursor === undefined) return undefined;
  const parsed = decodeCursorObject(cursor);
  const valid =
    Object.keys(parsed).length === attributes.length &&
    attributes.every((name) => typeof parsed[name] === 'string' || typeof parsed[name] === 'number') &&
    Object.entries(expected).every(([name, value]) => parsed[name] === value);
  if (!valid) throw cursorRefused();
  return parsed as StartKey;
}
