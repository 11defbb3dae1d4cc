/**
 * OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow: each institution is a
 * credential issuer (`{publicUrl}/institutions/{id}`) and the authorization server of its own
 * codes. A claim page's offer carries a code (single use, 10 minutes) for one credential; the
 * token endpoint trades it for an access token for that credential (single use, 10 minutes); the
 * nonce endpoint hands out c_nonces (single use, 5 minutes); the credential endpoint takes the
 * token and a `jwt` proof over a nonce and answers a holder copy bound to the proof's DID.
 *
 * Every secret is a 32-byte token of which only the hash is stored, as a grant of its kind, and
 * used up with `grants.consume` (a conditional delete): a code, token or nonce works once even
 * when two requests race with it.
 */
import { ConflictError, systemClock, type Clock, type GrantOf, type Persistence, type RequestContext } from '@cx/domain';
import { newToken, tokenHash } from '../delivery/tokens.js';
import type { HolderCopyIssuer, Oid4vciDesk } from './contracts.js';
import { verifyJwtProof } from './jwt-proof.js';
import { OAuthError } from './oauth-error.js';
import {
  authorizationServerMetadata,
  type AuthorizationServerMetadata,
  type CredentialIssuerMetadata,
  credentialIssuerId,
  credentialIssuerMetadata,
  OPEN_BADGE_CONFIGURATION_ID,
  PRE_AUTHORIZED_CODE_GRANT,
} from './oid4vci-metadata.js';

const CODE_SECONDS = 10 * 60;
const ACCESS_TOKEN_SECONDS = 10 * 60;
const NONCE_SECONDS = 5 * 60;

/** The grants of this protocol: each bound to the institution whose endpoints made it. */
type OAuthGrantKind = 'pre-authorized-code' | 'access-token' | 'c-nonce';
type NewGrant = { [K in OAuthGrantKind]: Omit<GrantOf<K>, 'createdAt' | 'expiresAt'> }[OAuthGrantKind];

export interface Oid4vciDeps {
  store: Persistence;
  publicUrl: string;
  clock?: Clock;
  /** Signs and records the copy the wallet receives. */
  copies: HolderCopyIssuer;
}

/** A token request's form fields (`application/x-www-form-urlencoded`), as parsed. */
export type TokenRequest = Record<string, unknown>;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** What the credential endpoint answers: the 1.0 shape, one credential per proof. */
export interface CredentialResponse {
  credentials: Array<{ credential: Record<string, unknown> }>;
}

/**
 * The OpenID4VCI issuer of every member institution (`services.oid4vci`). The endpoints throw
 * {@link OAuthError}s; the metadata reads throw NotFoundError for an unknown or suspended member.
 *
 * @example
 * const offer = await services.oid4vci.offer({ institution: 'uni-leiden', credentialId });
 * // { credential_issuer, credential_configuration_ids: ['OpenBadgeCredential_ldp_vc'], grants: { ... } }
 */
export class Oid4vciService implements Oid4vciDesk {
  private readonly clock: Clock;

  constructor(private readonly deps: Oid4vciDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** The credential issuer metadata of an active member; undefined for anyone else. */
  async issuerMetadata(institution: string): Promise<CredentialIssuerMetadata | undefined> {
    const member = await this.activeMember(institution);
    return member && credentialIssuerMetadata(this.deps.publicUrl, member);
  }

  /** The authorization server metadata of an active member; undefined for anyone else. */
  async authorizationServerMetadata(institution: string): Promise<AuthorizationServerMetadata | undefined> {
    const member = await this.activeMember(institution);
    return member && authorizationServerMetadata(this.deps.publicUrl, member.id);
  }

  async offer(holding: { institution: string; credentialId: string }): Promise<Record<string, unknown>> {
    const { token: code, hash } = newToken();
    await this.createGrant({ kind: 'pre-authorized-code', hash, institution: holding.institution, credentialId: holding.credentialId }, CODE_SECONDS);
    return {
      credential_issuer: credentialIssuerId(this.deps.publicUrl, holding.institution),
      credential_configuration_ids: [OPEN_BADGE_CONFIGURATION_ID],
      grants: { [PRE_AUTHORIZED_CODE_GRANT]: { 'pre-authorized_code': code } },
    };
  }

  /** The token endpoint: a pre-authorized code of this institution for an access token. */
  async token(institution: string, request: TokenRequest): Promise<TokenResponse> {
    const grantType = request.grant_type;
    if (typeof grantType !== 'string' || grantType === '') throw new OAuthError('invalid_request', 'grant_type is required');
    if (grantType !== PRE_AUTHORIZED_CODE_GRANT) throw new OAuthError('unsupported_grant_type', `only the ${PRE_AUTHORIZED_CODE_GRANT} grant is offered`);
    const code = request['pre-authorized_code'];
    if (typeof code !== 'string' || code === '') throw new OAuthError('invalid_request', 'pre-authorized_code is required');
    // no offer asks for a transaction code, so a wallet sending one has the wrong offer in mind
    if (request.tx_code !== undefined || request.user_pin !== undefined) throw new OAuthError('invalid_request', 'this offer takes no transaction code (tx_code)');

    const grant = await this.useGrant('pre-authorized-code', code, institution);
    if (!grant) throw new OAuthError('invalid_grant', 'the pre-authorized code is unknown, used or expired: open the claim page for a new offer');
    const { token: accessToken, hash } = newToken();
    await this.createGrant({ kind: 'access-token', hash, institution, credentialId: grant.credentialId }, ACCESS_TOKEN_SECONDS);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS };
  }

  /** The nonce endpoint: a fresh c_nonce for one proof to this institution. */
  async nonce(institution: string): Promise<{ c_nonce: string }> {
    const { token: nonce, hash } = newToken();
    await this.createGrant({ kind: 'c-nonce', hash, institution }, NONCE_SECONDS);
    return { c_nonce: nonce };
  }

  /**
   * The credential endpoint: checks the access token, the request and its proof, then uses up
   * the nonce and the token (in that order, so a wallet whose proof was refused may try again
   * with a new nonce and the same token) and issues the copy.
   */
  async credential(institution: string, authorization: string | undefined, body: unknown, ctx: RequestContext): Promise<CredentialResponse> {
    const accessToken = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    if (!accessToken) throw new OAuthError('invalid_token', 'send the access token from the token endpoint: Authorization: Bearer <token>');
    const token = await this.readGrant('access-token', accessToken, institution);
    if (!token) throw new OAuthError('invalid_token', 'the access token is unknown, used or expired');

    const jwt = proofOf(requestObject(body));
    const issuer = credentialIssuerId(this.deps.publicUrl, institution);
    const { holder, nonce } = verifyJwtProof(jwt, issuer, this.clock.now().getTime() / 1000);
    if (!(await this.useGrant('c-nonce', nonce, institution))) {
      throw new OAuthError('invalid_nonce', 'the proof\'s nonce is unknown, used or expired: get a new one from the nonce endpoint');
    }
    if (!(await this.useGrant('access-token', accessToken, institution))) throw new OAuthError('invalid_token', 'the access token is unknown, used or expired');

    try {
      const copy = await this.deps.copies.issue({ institution, credentialId: token.credentialId, holderDid: holder.did, protocol: 'oid4vci' }, ctx);
      return { credentials: [{ credential: copy.credential }] };
    } catch (error) {
      // a revoked original, or an institution no longer a member: nothing a retry could change
      if (error instanceof ConflictError) throw new OAuthError('credential_request_denied', error.message, { cause: error });
      throw error;
    }
  }

  private async activeMember(institution: string): Promise<{ id: string; name: string } | undefined> {
    const record = await this.deps.store.institutions.get(institution);
    return record?.status === 'active' ? record : undefined;
  }

  private async createGrant(grant: NewGrant, seconds: number): Promise<void> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
    await this.deps.store.commit([this.deps.store.grants.create({ ...grant, createdAt: now.toISOString(), expiresAt })]);
  }

  /** A live grant of `institution` for `secret`, not used up; undefined when unknown, expired or another institution's. */
  private async readGrant<K extends OAuthGrantKind>(kind: K, secret: string, institution: string): Promise<GrantOf<K> | undefined> {
    const hash = tokenHash(secret);
    const grant = hash === undefined ? undefined : await this.deps.store.grants.get(kind, hash);
    return grant && this.live(grant, institution) ? grant : undefined;
  }

  /**
   * Uses a grant up: read first, so a secret of another institution (or an expired one) is
   * refused without being spent, then consumed; undefined when it was not live or another
   * request used it first.
   */
  private async useGrant<K extends OAuthGrantKind>(kind: K, secret: string, institution: string): Promise<GrantOf<K> | undefined> {
    const grant = await this.readGrant(kind, secret, institution);
    return grant && (await this.deps.store.grants.consume(kind, tokenHash(secret)!));
  }

  private live(grant: GrantOf<OAuthGrantKind>, institution: string): boolean {
    return grant.institution === institution && Date.parse(grant.expiresAt) > this.clock.now().getTime();
  }
}

/** The body as an object, else `invalid_credential_request`. */
function requestObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuthError('invalid_credential_request', 'the credential request must be a JSON object');
  const request = body as Record<string, unknown>;
  if (request.credential_response_encryption !== undefined) throw new OAuthError('invalid_encryption_parameters', 'credential responses are not encrypted here');
  if (request.credential_identifier !== undefined) throw new OAuthError('invalid_credential_request', 'no credential_identifier was issued: request the credential_configuration_id of the offer');
  const configuration = request.credential_configuration_id;
  if (typeof configuration !== 'string') throw new OAuthError('invalid_credential_request', 'credential_configuration_id is required');
  if (configuration !== OPEN_BADGE_CONFIGURATION_ID) throw new OAuthError('unknown_credential_configuration', `the only credential configuration is ${OPEN_BADGE_CONFIGURATION_ID}`);
  return request;
}

/**
 * The one `jwt` proof of a request: `proofs: { jwt: [jwt] }` (1.0), or the drafts'
 * `proof: { proof_type: 'jwt', jwt }`, which wallets built on them still send.
 */
function proofOf(request: Record<string, unknown>): string {
  const { proofs, proof } = request;
  if (proofs !== undefined && proof !== undefined) throw new OAuthError('invalid_credential_request', 'send proofs or proof, not both');
  if (proofs !== undefined) {
    if (typeof proofs !== 'object' || proofs === null || Array.isArray(proofs)) throw new OAuthError('invalid_proof', 'proofs must be an object: { "jwt": ["<proof JWT>"] }');
    const { jwt, ...others } = proofs as Record<string, unknown>;
    if (Object.keys(others).length > 0 || !Array.isArray(jwt)) throw new OAuthError('invalid_proof', 'only the jwt proof type is accepted: { "jwt": ["<proof JWT>"] }');
    // no batch_credential_issuance in the metadata: one proof, one copy
    if (jwt.length !== 1) throw new OAuthError('invalid_credential_request', 'send exactly one proof: one credential is issued per request');
    if (typeof jwt[0] !== 'string') throw new OAuthError('invalid_proof', 'a jwt proof is a string (a compact JWS)');
    return jwt[0];
  }
  if (proof !== undefined) {
    const { proof_type: type, jwt } = (typeof proof === 'object' && proof !== null ? proof : {}) as Record<string, unknown>;
    if (type !== 'jwt' || typeof jwt !== 'string') throw new OAuthError('invalid_proof', 'only the jwt proof type is accepted: { "proof_type": "jwt", "jwt": "<proof JWT>" }');
    return jwt;
  }
  throw new OAuthError('invalid_proof', 'a proof of possession is required: proofs: { "jwt": ["<proof JWT>"] }');
}
