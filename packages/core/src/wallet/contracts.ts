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
