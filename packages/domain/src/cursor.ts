/**
 * Opaque pagination cursors, as every persistence adapter writes them: a JSON object in
 * base64url. What the object holds (a DynamoDB start key, a position in memory) is the
 * adapter's; each checks it against the listing on the way back in, so a forged or stale
 * cursor is a 400 naming `cursor`.
 */
import { ValidationError } from './errors.js';

export const cursorRefused = (): ValidationError => ValidationError.field('cursor', 'is not a cursor this list returned');

export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The object a cursor carries, or the 400 when it is not one of ours at all. */
export function decodeCursorObject(cursor: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw cursorRefused();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw cursorRefused();
  return parsed as Record<string, unknown>;
}
