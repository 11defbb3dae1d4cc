/**
 * Opaque pagination cursors. A cursor is the page's LastEvaluatedKey, encoded; it is
 * checked against the partition being listed on the way back in, so a forged or stale
 * cursor is a 400, never a read of another partition or a DynamoDB error.
 */
import { ValidationError } from '@cx/domain';

export type StartKey = Record<string, string | number>;

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  if (!lastKey) return undefined;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/**
 * @param expected attribute values the key must carry (the listed partition), e.g. `{ gsi1pk: 'MEMBERS' }`
 * @param attributes every attribute name a valid key has for this index
 */
export function decodeCursor(cursor: string | undefined, expected: Record<string, string>, attributes: string[]): StartKey | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationError.field('cursor', 'is not a cursor this list returned');
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.keys(parsed).length === attributes.length &&
    attributes.every((name) => typeof (parsed as Record<string, unknown>)[name] === 'string' || typeof (parsed as Record<string, unknown>)[name] === 'number') &&
    Object.entries(expected).every(([name, value]) => (parsed as Record<string, unknown>)[name] === value);
  if (!valid) throw ValidationError.field('cursor', 'is not a cursor this list returned');
  return parsed as StartKey;
}
