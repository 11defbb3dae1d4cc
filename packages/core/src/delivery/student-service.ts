/**
 * What a student can do with what they were issued, behind a claim link or a `/my` session:
 * the contract between core and the pages (functions/pages), implemented by StudentService.
 *
 * Every method that acts on a credential takes the holder's `emailHash` (from the claim
 * link's delivery or the session) and answers only that holder's credentials: a share id,
 * credential id or transfer id of another student is as unknown as one that never existed.
 */
import type { CredentialRecord, DeliveryRecord, Page, SessionRecord, ShareRecord, TransferRecord } from '@cx/domain';

/** A credential as its student holds it. */
export interface Holding {
  delivery: DeliveryRecord;
  credential: CredentialRecord;
}

/** What a claim link opens: the holding while the link works, else why it does not. */
export type ClaimLookup =
  | { state: 'valid'; holding: Holding; expiresAt: string }
  /** 410: the link's 30 days are over. */
  | { state: 'expired' }
  /** 410: a newer notice replaced it (the institution sent a new link). */
  | { state: 'replaced' }
  /** 404: no such link (mistyped, forged, or of a credential the exchange no longer holds). */
  | { state: 'unknown' };

export type ShareLookup = { state: 'shared'; share: ShareRecord; credential: CredentialRecord } | { state: 'withdrawn'; share: ShareRecord } | { state: 'unknown' };

export interface OpenedSession {
  /** The cookie's value (random, 256 bits); only its hash is stored. */
  token: string;
  session: SessionRecord;
}

export interface StudentDesk {
  openClaim(token: string): Promise<ClaimLookup>;
  /**
   * Sends a sign-in link to `email` when it has anything to show, and answers the same
   * either way. RateLimitedError (429) when the address or the client asked too often.
   */
  requestSignIn(email: string, clientAddress: string): Promise<void>;
  /** Uses a sign-in link (once, within its 15 minutes): the new session, or undefined. */
  openSession(signInToken: string): Promise<OpenedSession | undefined>;
  /** The session a cookie names, while it lasts. */
  session(token: string): Promise<SessionRecord | undefined>;
  signOut(token: string): Promise<void>;
  /** Ends every session of the holder (the one in use included). */
  signOutEverywhere(emailHash: string): Promise<number>;
  /** Every credential issued to the holder's address across the consortium, newest first. */
  holdings(emailHash: string, limit: number, cursor?: string): Promise<Page<Holding>>;
  /** One of the holder's credentials; undefined when it is not theirs. */
  holding(emailHash: string, institution: string, credentialId: string): Promise<Holding | undefined>;
  /** A public link to one of the holder's credentials. */
  share(holding: Holding): Promise<ShareRecord>;
  /** Withdraws one of the holder's shares; NotFoundError when it is not theirs. */
  withdrawShare(emailHash: string, shareId: string): Promise<void>;
  /** Withdraws every share of the holder; how many were still shared. */
  withdrawAllShares(emailHash: string): Promise<number>;
  shares(emailHash: string, limit: number, cursor?: string): Promise<Page<ShareRecord>>;
  openShare(shareId: string): Promise<ShareLookup>;
  /** The holder's transfers (those submitted with this address), newest first. */
  transfers(emailHash: string, limit: number, cursor?: string): Promise<Page<TransferRecord>>;
}
