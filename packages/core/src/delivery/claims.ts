/**
 * Claim links: `/claim/{token}` opens one credential for its student. A link is a new
 * random token (only its hash kept) valid for `CX_CLAIM_DAYS` days; a delivery names the
 * one link of its credential that works now.
 */
import { CLAIM_DAYS_DEFAULT, type CredentialRecord, type DeliveryRecord } from '@cx/domain';
import { newToken } from './tokens.js';

export interface ClaimLink {
  /** The raw token: in the notice's link only, never stored. */
  token: string;
  tokenHash: string;
  expiresAt: string;
  url: string;
}

/** The page a claim token opens. */
export const claimUrl = (publicUrl: string, token: string): string => `${publicUrl}/claim/${token}`;

/** A new claim link made at `now`, working for `days` days (CLAIM_DAYS_DEFAULT unless told). */
export function newClaimLink(publicUrl: string, now: Date, days = CLAIM_DAYS_DEFAULT): ClaimLink {
  const { token, hash } = newToken();
  return { token, tokenHash: hash, expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(), url: claimUrl(publicUrl, token) };
}

/** The first delivery of a credential issued to an address (`record.emailHash`), with its first claim link. */
export function firstDelivery(record: CredentialRecord & { emailHash: string }, link: ClaimLink, noticeId: string | undefined, at: string): DeliveryRecord {
  return {
    institution: record.institution,
    credentialId: record.id,
    emailHash: record.emailHash,
    issuedAt: record.issuedAt,
    claimTokenHash: link.tokenHash,
    claimExpiresAt: link.expiresAt,
    ...(noticeId ? { lastNoticeId: noticeId } : {}),
    revision: 1,
    updatedAt: at,
  };
}

/** The achievement's name as the signed credential gives it (what its student sees in any wallet). */
export function achievementName(credential: Record<string, unknown>): string {
  const subject = (Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject) as
    | { achievement?: { name?: unknown } }
    | undefined;
  const name = subject?.achievement?.name;
  return typeof name === 'string' && name ? name : 'a credential';
}
