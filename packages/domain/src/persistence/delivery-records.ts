/**
 * What the exchange keeps to get credentials to their students (issue 12): a delivery per
 * credential issued to an email address (its current claim link, found again by the
 * address's lookup hash across the consortium), the notices sent, the public shares a
 * student made, and sign-in links and sessions of `/my`.
 *
 * No raw token is stored anywhere: claim links, sign-in links and sessions are kept as the
 * SHA-256 of their random token (`hashSecret`), and an address only in the notice on its way
 * (the queue message), never here. Records that expire carry `expiresAt` (ISO); adapters
 * also let the engine remove them after it (DynamoDB TTL), and readers treat an expired
 * record as gone.
 */

/** A credential issued to an email address, and the one claim link of it that works now. */
export interface DeliveryRecord {
  institution: string;
  credentialId: string;
  /** SHA-256 (hex) of the lowercased address: the credential record's `emailHash`. */
  emailHash: string;
  /** The credential's `issuedAt`: holdings are listed newest first. */
  issuedAt: string;
  /** SHA-256 (hex) of the claim token that works now; earlier tokens of this credential do not. */
  claimTokenHash: string;
  /** When that claim link stops working (`CX_CLAIM_DAYS` after it was made). */
  claimExpiresAt: string;
  /** The last notice sent for it, if any (`"notify": false` sends none). */
  lastNoticeId?: string;
  /** Grows with every new claim link; guards concurrent re-notices. */
  revision: number;
  updatedAt: string;
}

/** A claim link, by its token's hash: which delivery it was made for. */
export interface ClaimRecord {
  tokenHash: string;
  institution: string;
  credentialId: string;
  createdAt: string;
  expiresAt: string;
}

export type NoticeKind = 'claim' | 'sign-in';

/**
 * `queued`: written, not yet handed to the mail service; `sending`: a sender took it (at
 * `claimedAt`); `sent`: the mail service accepted it; `bounced`/`complained`: what the mail
 * service reported after; `failed`: given up (the reason in `failure`); `superseded`: never
 * sent, replaced by a newer notice with a new link.
 */
export type NoticeState = 'queued' | 'sending' | 'sent' | 'bounced' | 'complained' | 'failed' | 'superseded';

export interface NoticeRecord {
  id: string;
  kind: NoticeKind;
  /** SHA-256 (hex) of the lowercased recipient address. */
  toHash: string;
  /** Claim notices: the credential they are for. */
  institution?: string;
  credentialId?: string;
  state: NoticeState;
  createdAt: string;
  /** When a sender took it (state `sending`): a sender that died is presumed so after a lease. */
  claimedAt?: string;
  sentAt?: string;
  /** The mail service's id of the message (SES MessageId; the file name locally). */
  providerMessageId?: string;
  /** Bounce, complaint or failure: when and what the mail service said. */
  eventAt?: string;
  failure?: string;
}

/** A public link to one credential, made by its student; withdrawn links answer 410. */
export interface ShareRecord {
  /** Unguessable (128 random bits, base64url): the public link's last segment. */
  id: string;
  institution: string;
  credentialId: string;
  /** Whose share it is: the delivery's `emailHash`. */
  emailHash: string;
  createdAt: string;
  withdrawnAt?: string;
}

/** A sign-in link of `/my`: single use, short-lived. */
export interface SignInRecord {
  tokenHash: string;
  emailHash: string;
  createdAt: string;
  expiresAt: string;
}

/** A signed-in student's session (the cookie's token, hashed). */
export interface SessionRecord {
  idHash: string;
  emailHash: string;
  createdAt: string;
  expiresAt: string;
}

/** How long a claim link works unless configured (`CX_CLAIM_DAYS`). */
export const CLAIM_DAYS_DEFAULT = 30;
/** How long a sign-in link works. */
export const SIGN_IN_TTL_SECONDS = 15 * 60;
/** How long a session lasts. */
export const SESSION_TTL_SECONDS = 12 * 3600;
