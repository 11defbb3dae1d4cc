/**
 * What a student can do with what they were issued, behind a claim link or a `/my` session:
 * the contract between core and the pages (functions/pages), implemented by StudentService.
 *
 * Every method that acts on a credential takes the holder's `emailHash` (from the claim
 * link's delivery or the session) and answers only that holder's credentials: a share id,
 * credential id or transfer id of another student is as unknown as one that never existed.
 */
import {
  ConflictError,
  hashesEqual,
  NotFoundError,
  RateLimitedError,
  SESSION_TTL_SECONDS,
  type Clock,
  type CredentialRecord,
  type DeliveryRecord,
  type Page,
  type Persistence,
  type SessionRecord,
  type ShareRecord,
  type TransferRecord,
} from '@cx/domain';
import { emailLookupHash } from '../issuer.js';
import type { NoticeService } from './notices.js';
import { isShareId, newShareId, newToken, tokenHash } from './tokens.js';
import type { Language } from '@cx/i18n';

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
   * `language`: the language of the page it was asked on, which the notice is written in first.
   */
  requestSignIn(email: string, clientAddress: string, language?: Language): Promise<void>;
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
  /** One of the holder's transfers; undefined when it is not theirs. */
  transfer(emailHash: string, transferId: string): Promise<TransferRecord | undefined>;
}

export interface StudentServiceDeps {
  store: Persistence;
  clock: Clock;
  notices: NoticeService;
}

/** Sign-in requests allowed per address, and per client, in each window. */
const SIGN_IN_LIMITS = { address: 5, client: 20, windowSeconds: 15 * 60 };

/** The StudentDesk over the persistence port: claim links, sign-in and sessions, holdings, shares. */
export class StudentService implements StudentDesk {
  constructor(private readonly deps: StudentServiceDeps) {}

  private now(): Date {
    return this.deps.clock.now();
  }

  private expired(expiresAt: string): boolean {
    return Date.parse(expiresAt) <= this.now().getTime();
  }

  async openClaim(token: string): Promise<ClaimLookup> {
    const hash = tokenHash(token);
    const claim = hash ? await this.deps.store.deliveries.claim(hash) : undefined;
    if (!hash || !claim) return { state: 'unknown' };
    const delivery = await this.deps.store.deliveries.get(claim.institution, claim.credentialId, true);
    if (!delivery) return { state: 'unknown' };
    // the delivery names the one link that works now; an earlier one was replaced by a newer notice
    if (!hashesEqual(hash, delivery.claimTokenHash)) return { state: 'replaced' };
    if (this.expired(delivery.claimExpiresAt)) return { state: 'expired' };
    const credential = await this.deps.store.credentials.get(delivery.institution, delivery.credentialId, true);
    if (!credential) return { state: 'unknown' };
    return { state: 'valid', holding: { delivery, credential }, expiresAt: delivery.claimExpiresAt };
  }

  async requestSignIn(email: string, clientAddress: string, language?: Language): Promise<void> {
    const now = this.now();
    const emailHash = emailLookupHash(email);
    const { address, client, windowSeconds } = SIGN_IN_LIMITS;
    const withinAddress = await this.deps.store.transfers.withinRate('sign-in-address', emailHash, address, windowSeconds, now);
    const withinClient = await this.deps.store.transfers.withinRate('sign-in-client', clientAddress, client, windowSeconds, now);
    if (!withinAddress || !withinClient) {
      // fixed windows: the next one starts at the next multiple of the window
      const retryAfterSeconds = windowSeconds - (Math.floor(now.getTime() / 1000) % windowSeconds);
      throw new RateLimitedError('too many sign-in requests; wait a few minutes and ask again', { retryAfterSeconds });
    }
    // the same answer either way: only the mail tells whether the address has credentials
    const held = await this.deps.store.deliveries.heldBy(emailHash, 1);
    if (held.items.length > 0) await this.deps.notices.signIn(email, language);
  }

  async openSession(signInToken: string): Promise<OpenedSession | undefined> {
    const hash = tokenHash(signInToken);
    const signIn = hash ? await this.deps.store.sessions.consumeSignIn(hash) : undefined;
    if (!signIn || this.expired(signIn.expiresAt)) return undefined;
    const now = this.now();
    const { token, hash: idHash } = newToken();
    const session: SessionRecord = {
      idHash,
      emailHash: signIn.emailHash,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000).toISOString(),
    };
    await this.deps.store.sessions.create(session);
    return { token, session };
  }

  async session(token: string): Promise<SessionRecord | undefined> {
    const hash = tokenHash(token);
    const session = hash ? await this.deps.store.sessions.get(hash) : undefined;
    return session && !this.expired(session.expiresAt) ? session : undefined;
  }

  async signOut(token: string): Promise<void> {
    const hash = tokenHash(token);
    if (hash) await this.deps.store.sessions.end(hash);
  }

  signOutEverywhere(emailHash: string): Promise<number> {
    return this.deps.store.sessions.endAll(emailHash);
  }

  async holdings(emailHash: string, limit: number, cursor?: string): Promise<Page<Holding>> {
    const page = await this.deps.store.deliveries.heldBy(emailHash, limit, cursor);
    const credentials = await Promise.all(page.items.map((delivery) => this.deps.store.credentials.get(delivery.institution, delivery.credentialId)));
    const items = page.items.flatMap((delivery, i) => {
      const credential = credentials[i];
      return credential ? [{ delivery, credential }] : [];
    });
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  async holding(emailHash: string, institution: string, credentialId: string): Promise<Holding | undefined> {
    const delivery = await this.deps.store.deliveries.get(institution, credentialId, true);
    if (!delivery || !hashesEqual(delivery.emailHash, emailHash)) return undefined;
    const credential = await this.deps.store.credentials.get(institution, credentialId, true);
    return credential ? { delivery, credential } : undefined;
  }

  async share(holding: Holding): Promise<ShareRecord> {
    const record: ShareRecord = {
      id: newShareId(),
      institution: holding.delivery.institution,
      credentialId: holding.delivery.credentialId,
      emailHash: holding.delivery.emailHash,
      createdAt: this.now().toISOString(),
    };
    await this.deps.store.commit([this.deps.store.shares.create(record)]);
    return record;
  }

  async withdrawShare(emailHash: string, shareId: string): Promise<void> {
    const share = isShareId(shareId) ? await this.deps.store.shares.get(shareId, true) : undefined;
    // another student's share is as unknown as one that never existed
    if (!share || !hashesEqual(share.emailHash, emailHash)) throw new NotFoundError(`no share ${shareId} of yours`);
    if (!share.withdrawnAt) await this.withdraw(share.id, emailHash, this.now().toISOString());
  }

  async withdrawAllShares(emailHash: string): Promise<number> {
    const at = this.now().toISOString();
    let withdrawn = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.shares.listBy(emailHash, 100, cursor);
      for (const share of page.items.filter((s) => !s.withdrawnAt)) {
        if (await this.withdraw(share.id, emailHash, at)) withdrawn++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return withdrawn;
  }

  /** Withdraws a share of the holder's; false when a concurrent request withdrew it first (what was asked holds). */
  private async withdraw(shareId: string, emailHash: string, at: string): Promise<boolean> {
    try {
      await this.deps.store.commit([this.deps.store.shares.withdraw(shareId, emailHash, at)]);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  shares(emailHash: string, limit: number, cursor?: string): Promise<Page<ShareRecord>> {
    return this.deps.store.shares.listBy(emailHash, limit, cursor);
  }

  async openShare(shareId: string): Promise<ShareLookup> {
    const share = isShareId(shareId) ? await this.deps.store.shares.get(shareId) : undefined;
    if (!share) return { state: 'unknown' };
    if (share.withdrawnAt) return { state: 'withdrawn', share };
    const credential = await this.deps.store.credentials.get(share.institution, share.credentialId);
    return credential ? { state: 'shared', share, credential } : { state: 'unknown' };
  }

  async transfer(emailHash: string, transferId: string): Promise<TransferRecord | undefined> {
    const transfer = await this.deps.store.transfers.get(transferId, true);
    return transfer?.studentEmailHash && hashesEqual(transfer.studentEmailHash, emailHash) ? transfer : undefined;
  }

  transfers(emailHash: string, limit: number, cursor?: string): Promise<Page<TransferRecord>> {
    return this.deps.store.transfers.listByStudent(emailHash, limit, cursor);
  }
}
