/**
 * What the exchange keeps to hand credentials to wallets and take them back (issue 13):
 * short-lived, mostly single-use grants (VC API exchanges and their outcome, OpenID4VCI
 * pre-authorized codes, access tokens and nonces), and the holder copies wallets received.
 *
 * A grant is stored by the SHA-256 (`hashSecret`) of its random secret only: the exchange
 * id in a wallet's URL, the code, the token, the nonce. Adapters let the engine remove a grant
 * after `expiresAt` (DynamoDB TTL); readers treat an expired grant as gone.
 */

interface GrantBase {
  /** SHA-256 (hex) of the grant's secret. */
  hash: string;
  createdAt: string;
  expiresAt: string;
}

/** A VC API exchange a wallet was invited to. */
export type VcApiExchangeGrant = GrantBase & {
  kind: 'vcapi-exchange';
  /** `issue`: the claim's credential goes to the wallet; `present`: the wallet presents credentials for a transfer. */
  purpose: 'issue' | 'present';
  /** issue: the issuing institution; present: the receiving institution. */
  institution: string;
  /** issue: the credential the claim link opened. */
  credentialId?: string;
  /** present: the student as the transfer page gave them. */
  student?: { name: string; email?: string };
  /** present: the tracking token's hash, made with the exchange so the page that opened it can follow the transfer. */
  trackingTokenHash?: string;
  challenge: string;
  domain: string;
};

/** What a completed exchange produced, for the page that opened it (same hash as its exchange). */
export type ExchangeResultGrant = GrantBase & {
  kind: 'exchange-result';
  /** issue: the copy the wallet received; present: the transfer made. */
  copyId?: string;
  transferId?: string;
};

/** An OpenID4VCI pre-authorized code: single use, short-lived. */
export type PreAuthorizedCodeGrant = GrantBase & { kind: 'pre-authorized-code'; institution: string; credentialId: string };

/** An OpenID4VCI access token, for the one credential its code was for. */
export type AccessTokenGrant = GrantBase & { kind: 'access-token'; institution: string; credentialId: string };

/** An OpenID4VCI c_nonce: single use, bound to its institution's credential issuer. */
export type NonceGrant = GrantBase & { kind: 'c-nonce'; institution: string };

export type GrantRecord = VcApiExchangeGrant | ExchangeResultGrant | PreAuthorizedCodeGrant | AccessTokenGrant | NonceGrant;
export type GrantKind = GrantRecord['kind'];
export type GrantOf<K extends GrantKind> = Extract<GrantRecord, { kind: K }>;

/** A copy of a credential bound to a holder's DID, as a wallet received it. */
export interface CopyRecord {
  institution: string;
  /** The credential copied (its status entry is the copy's). */
  originalId: string;
  copyId: string;
  holderDid: string;
  protocol: 'vcapi' | 'oid4vci';
  issuedAt: string;
  /** The signed copy, as issued. */
  credential: Record<string, unknown>;
}
