/**
 * The contracts between the wallet protocols (VC API exchanges, OpenID4VCI), the pages that
 * offer them, and the holder copies both hand out (issue 13). Implemented in this folder.
 */
import type { CopyRecord, RequestContext } from '@cx/domain';

/** A copy of a stored credential for the holder DID a wallet proved. */
export interface HolderCopyRequest {
  institution: string;
  /** The original, as stored (a claim link's credential). */
  credentialId: string;
  /** The DID the wallet proved it controls (DIDAuth presentation, or an OpenID4VCI proof). */
  holderDid: string;
  protocol: CopyRecord['protocol'];
}

/**
 * Issues holder copies: the original with a new id and `credentialSubject.id` = the holder's
 * DID, its status entry shared (so the original's status is every copy's), signed by the
 * institution, recorded with an audit entry. Refuses (ConflictError) a revoked original and
 * an institution that is not an active member.
 */
export interface HolderCopyIssuer {
  issue(request: HolderCopyRequest, ctx: RequestContext): Promise<CopyRecord>;
}

/** What the claim page offers for a wallet: made per claim link, expiring with it at the latest. */
export interface WalletOffer {
  /** `POST {exchangeUrl}` is the VC API exchange. */
  exchangeUrl: string;
  /** The interaction URL (`?iuv=1`) listing the protocols on offer. */
  interactionUrl: string;
  /** The Learner Credential Wallet's deep link carrying the exchange. */
  lcwDeepLink: string;
  /** `openid-credential-offer://?credential_offer_uri=...` */
  credentialOfferLink: string;
}

/** A VC API exchange made for a page, with the links a wallet opens. */
export interface OpenedExchange {
  /** The unguessable id (its hash is stored): `POST /exchanges/{exchangeId}`. */
  exchangeId: string;
  exchangeUrl: string;
  /** `GET /interactions/{exchangeId}?iuv=1`: the protocols on offer. */
  interactionUrl: string;
  /** Opens the exchange in the Learner Credential Wallet (as a link, and as a QR code on a phone). */
  lcwDeepLink: string;
  expiresAt: string;
}

export type ExchangeOutcome =
  | { state: 'pending' }
  | { state: 'completed'; copyId?: string; transferId?: string }
  | { state: 'expired' }
  | { state: 'unknown' };

/**
 * VC API exchanges (packages/core/src/wallet/vcapi-exchanges.ts) as the pages use them: one
 * to take a claim's credential into a wallet, one to present credentials from a wallet into
 * a transfer. `services.vcApiExchanges`.
 */
export interface VcApiExchangeDesk {
  /** An exchange issuing the holding's credential (a holder copy) to the wallet that answers it. */
  forClaim(holding: { institution: string; credentialId: string; claimExpiresAt: string }): Promise<OpenedExchange>;
  /**
   * An exchange asking a wallet for Open Badges credentials for a transfer to `institution`;
   * `trackingToken` follows the transfer it makes (only its hash is stored).
   */
  forTransfer(request: { institution: string; student: { name: string; email?: string } }): Promise<OpenedExchange & { trackingToken: string }>;
  /** What became of an exchange, for the page that opened it. */
  outcome(exchangeId: string): Promise<ExchangeOutcome>;
  /** The links of an exchange still open, for its page to show again; undefined when used, expired or unknown. */
  links(exchangeId: string): Promise<OpenedExchange | undefined>;
}

/** The OpenID4VCI credential offer of a claim (packages/core/src/wallet/oid4vci.ts), `services.oid4vci`. */
export interface Oid4vciDesk {
  /**
   * A credential offer with a new pre-authorized code (single use, short-lived) for the
   * holding's credential: the JSON `GET /claim/{token}/credential-offer` answers.
   */
  offer(holding: { institution: string; credentialId: string }): Promise<Record<string, unknown>>;
}
