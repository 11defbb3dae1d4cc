/**
 * Items that DynamoDB TTL removes (claim links, sign-in links, sessions) keep their
 * record's `expiresAt` (ISO) under another name: the table's TTL attribute has that name
 * and needs epoch seconds. Readers never rely on TTL, which deletes late: they judge the
 * record's own `expiresAt`.
 */
import { stripKeys } from './keys.js';
import { TTL_ATTRIBUTE } from './table-definition.js';

/** Where an item keeps its record's `expiresAt`. */
const EXPIRES_AT = 'expiresAtIso';

/** The record's attributes as stored, with TTL removing the item `keepSeconds` after it expires. */
export function expiringAttributes(record: { expiresAt: string }, keepSeconds = 0): Record<string, unknown> {
  const { expiresAt, ...rest } = record;
  return { ...rest, [EXPIRES_AT]: expiresAt, [TTL_ATTRIBUTE]: Math.floor(Date.parse(expiresAt) / 1000) + keepSeconds };
}

/** The record stored by {@link expiringAttributes}, without key or TTL attributes. */
export function fromExpiringItem<T extends { expiresAt: string }>(item: Record<string, unknown>): T {
  const { [TTL_ATTRIBUTE]: _removedAt, [EXPIRES_AT]: expiresAt, ...rest } = stripKeys<Record<string, unknown>>(item);
  return { ...rest, expiresAt } as T;
}
