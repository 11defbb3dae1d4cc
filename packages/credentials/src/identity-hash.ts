/**
 * Recipient identities hashed as Open Badges 3.0 `IdentityObject`s: `sha256$` + the hex SHA-256
 * of the identity followed by a salt, so a credential shows no email address yet its holder can
 * prove it is theirs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Emails are compared trimmed and lowercased (the domain is case-insensitive, and mailboxes are in practice). */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A fresh random salt, 32 hex characters. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The OB 3.0 `identityHash` of an email: `sha256$<hex of SHA-256(email + salt)>`, UTF-8.
 * @example hashEmail('Ada@Example.org', 'c0ffee') === hashEmail('ada@example.org', 'c0ffee')
 */
export function hashEmail(email: string, salt: string): string {
  return 'sha256$' + createHash('sha256').update(normalizeEmail(email) + salt, 'utf8').digest('hex');
}

/**
 * Whether `email` is the one an `identifier` (an `IdentityObject` or a list of them, as on an
 * `AchievementSubject`) names, hashed or in plain text. Anything malformed answers false.
 */
export function emailMatches(identifier: unknown, email: string): boolean {
  const entries = Array.isArray(identifier) ? identifier : [identifier];
  return entries.some((entry) => {
    if (typeof entry !== 'object' || entry === null) return false;
    const { identityType, identityHash, hashed, salt } = entry as Record<string, unknown>;
    if (identityType !== 'emailAddress' || typeof identityHash !== 'string') return false;
    if (hashed === true) {
      const match = /^sha256\$([0-9a-fA-F]{64})$/.exec(identityHash);
      if (!match) return false;
      const expected = hashEmail(email, typeof salt === 'string' ? salt : '');
      return timingSafeEqual(Buffer.from(expected.slice(7)), Buffer.from(match[1]!.toLowerCase()));
    }
    return normalizeEmail(identityHash) === normalizeEmail(email);
  });
}
