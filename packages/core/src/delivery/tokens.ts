/**
 * The random secrets of delivery: claim links, sign-in links and sessions are 256-bit
 * tokens of which only `hashSecret(token)` is stored; share ids and notice ids are public
 * names, random enough (128 bits) that no one guesses another's.
 */
import { randomBytes } from 'node:crypto';
import { hashSecret } from '@cx/domain';

/** A token's form: 32 bytes base64url. Anything else is no token of ours, unread. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** A share id's form: 16 bytes base64url. */
const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;

/** A new secret token and the hash the exchange keeps of it. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecret(token) };
}

/** The stored hash of `token`; undefined when it is not of a token's form (mistyped or forged). */
export function tokenHash(token: string): string | undefined {
  return TOKEN.test(token) ? hashSecret(token) : undefined;
}

/** A new public share id (the last segment of `/credentials/{shareId}`). */
export const newShareId = (): string => randomBytes(16).toString('base64url');

/** Whether `id` is of a share id's form. */
export const isShareId = (id: string): boolean => SHARE_ID.test(id);

/** A new notice id: names the notice's mail (its outbox file, its SES tag). */
export const newNoticeId = (): string => `ntc_${randomBytes(16).toString('base64url')}`;
