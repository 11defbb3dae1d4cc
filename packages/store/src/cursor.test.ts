import { ValidationError } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
const lastKey = { pk: 'INST#uni-b', sk: 'PROFILE', gsi1pk: 'MEMBERS', gsi1sk: 'INST#uni-b' };
const members = { gsi1pk: 'MEMBERS' };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function cursorError(cursor: string): ValidationError {
  try {
    decodeCursor(cursor, members, KEY_ATTRIBUTES);
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error(`cursor ${cursor} was accepted`);
}

describe('cursors', () => {
  it('give back the key they were made from', () => {
    expect(decodeCursor(encodeCursor(lastKey), members, KEY_ATTRIBUTES)).toEqual(lastKey);
  });

  it('are absent on the last page', () => {
    expect(encodeCursor(undefined)).toBeUndefined();
  });

  it('start from the beginning when none is given', () => {
    expect(decodeCursor(undefined, members, KEY_ATTRIBUTES)).toBeUndefined();
  });

  it('are opaque URL-safe text', () => {
    expect(encodeCursor(lastKey)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('keep number key values', () => {
    const key = { pk: 'X', sk: 3 };
    expect(decodeCursor(encodeCursor(key), { pk: 'X' }, ['pk', 'sk'])).toEqual(key);
  });

  it('are refused with a ValidationError naming cursor when tampered with', () => {
    const cursor = encodeCursor(lastKey)!;
    const tampered = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    const error = cursorError(tampered);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it.each([
    ['not base64url JSON', '%%%'],
    ['truncated', encodeCursor(lastKey)!.slice(0, 20)],
    ['JSON that is not an object', encode('INST#uni-b')],
    ['an array', encode([lastKey])],
    ['null', encode(null)],
    ['from another partition', encode({ ...lastKey, gsi1pk: 'AUDIT' })],
    ['missing a key attribute', encode({ pk: lastKey.pk, sk: lastKey.sk, gsi1pk: 'MEMBERS' })],
    ['carrying an extra attribute', encode({ ...lastKey, name: 'x' })],
    ['carrying a key of another index', encode({ pk: lastKey.pk, sk: lastKey.sk, gsi2pk: 'MEMBERS', gsi2sk: 'x' })],
    ['carrying a nested value', encode({ ...lastKey, sk: { S: 'PROFILE' } })],
    ['carrying a boolean', encode({ ...lastKey, sk: true })],
  ])('are refused when %s', (_description, cursor) => {
    const error = cursorError(cursor);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.field)).toEqual(['cursor']);
  });
});
