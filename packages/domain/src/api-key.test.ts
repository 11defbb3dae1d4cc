import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

// observe the comparison without changing it
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const { timingSafeEqual } = await import('node:crypto');
const { generateApiKey, hashesEqual, hashSecret, parseApiKey } = await import('./api-key.js');

describe('generateApiKey', () => {
  it('makes keys of the form cxk_<16-char key id>_<43-char secret>', () => {
    const { apiKey, keyId } = generateApiKey();
    expect(apiKey).toMatch(/^cxk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.startsWith(`cxk_${keyId}_`)).toBe(true);
  });

  it('puts 256 bits of randomness in the secret', () => {
    const secret = generateApiKey().apiKey.slice('cxk_'.length + 17);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('returns the SHA-256 hash of the secret, not the secret', () => {
    const { apiKey, secretHash } = generateApiKey();
    const secret = parseApiKey(apiKey)!.secret;
    expect(secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(secretHash).not.toContain(secret);
  });

  it('never repeats a key id or a secret', () => {
    const keys = Array.from({ length: 1000 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1000);
    expect(new Set(keys.map((k) => k.secretHash)).size).toBe(1000);
  });
});

describe('parseApiKey', () => {
  it('splits a generated key into its key id and secret', () => {
    const { apiKey, keyId } = generateApiKey();
    const parsed = parseApiKey(apiKey);
    expect(parsed?.keyId).toBe(keyId);
    expect(`cxk_${parsed?.keyId}_${parsed?.secret}`).toBe(apiKey);
  });

  it.each([
    ['an empty string', ''],
    ['another prefix', `sk_0123456789abcdef_${'a'.repeat(43)}`],
    ['an upper-case key id', `cxk_0123456789ABCDEF_${'a'.repeat(43)}`],
    ['a short key id', `cxk_0123456789abcde_${'a'.repeat(43)}`],
    ['a short secret', `cxk_0123456789abcdef_${'a'.repeat(42)}`],
    ['a long secret', `cxk_0123456789abcdef_${'a'.repeat(44)}`],
    ['a secret with other characters', `cxk_0123456789abcdef_${'a'.repeat(42)}+`],
    ['trailing text', `cxk_0123456789abcdef_${'a'.repeat(43)} x`],
  ])('rejects %s', (_description, token) => {
    expect(parseApiKey(token)).toBeUndefined();
  });
});

describe('hashesEqual', () => {
  const a = hashSecret('secret-a');
  const b = hashSecret('secret-b');

  it('is true for the same hash and false for another', () => {
    expect(hashesEqual(a, hashSecret('secret-a'))).toBe(true);
    expect(hashesEqual(a, b)).toBe(false);
  });

  it('compares the hashes with crypto.timingSafeEqual', () => {
    vi.mocked(timingSafeEqual).mockClear();
    hashesEqual(a, b);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['empty', ''],
    ['not hex', 'z'.repeat(64)],
    ['too short', a.slice(0, 62)],
    ['too long', `${a}00`],
  ])('is false, without throwing, for a stored hash that is %s', (_description, other) => {
    expect(hashesEqual(a, other)).toBe(false);
    expect(hashesEqual(other, other)).toBe(false);
  });
});
