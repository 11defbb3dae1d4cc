/**
 * VC API exchanges (W3C CCG VC API, "Workflows and Exchanges"): how the Learner Credential
 * Wallet and other VC API wallets take a claim's credential (a holder copy) and present
 * credentials for a transfer. An exchange is a `vcapi-exchange` grant stored by the hash of
 * its id; the wallet's first `POST {}` is answered with a verifiable presentation request
 * (DIDAuthentication, and for transfers a QueryByExample for Open Badges), its answer with
 * the credential or `{}`. The grant is consumed only after the presentation's proof verified,
 * so a forged answer costs the student nothing and two good answers issue once.
 */
import { randomBytes } from 'node:crypto';
import {
  asList,
  boundedPresentation,
  checkPresentationShape,
  isEd25519DidKey,
  isJsonObject,
  OB_V3_CONTEXT_URL,
  verifyPresentationProof,
  VC_V2_CONTEXT_URL,
} from '@cx/credentials';
import { transferBodySchema, ValidationError, type Clock, type Persistence, type RequestContext, type VcApiExchangeGrant } from '@cx/domain';
import { exchangeDocumentLoader } from '../document-loader.js';
import { newToken, tokenHash } from '../delivery/tokens.js';
import type { TransferService } from '../transfers.js';
import type { ExchangeOutcome, HolderCopyIssuer, OpenedExchange, Oid4vciDesk, VcApiExchangeDesk } from './contracts.js';

/** What the exchanges need: the grants they are kept as, and the services that issue copies and take transfers. */
export interface VcApiExchangeDeps {
  store: Persistence;
  clock: Clock;
  publicUrl: string;
  holderCopies: HolderCopyIssuer;
  transfers: TransferService;
  /** The OpenID4VCI offer an issue exchange's interaction URL lists beside the VC API. */
  oid4vci: Oid4vciDesk;
}

type Json = Record<string, unknown>;

/** How long a wallet may take to answer a transfer page's exchange. */
const PRESENT_MINUTES = 30;
/** An issue exchange expires with its claim link, and after 30 days at the latest. */
const ISSUE_DAYS = 30;
/** What a completed exchange produced stays readable for its page at least this long. */
const RESULT_MINUTES = 60;


/** What a wallet posts to an exchange: `{}` to begin, then `{ verifiablePresentation }`. */
export interface ExchangeStep {
  verifiablePresentation?: unknown;
}

/**
 * The VC API exchanges of the claim page and the transfer page (`services.vcApiExchanges`),
 * and the steps the exchanges function serves.
 *
 * @example
 * const { lcwDeepLink } = await services.vcApiExchanges.forClaim({ institution, credentialId, claimExpiresAt });
 */
export class VcApiExchanges implements VcApiExchangeDesk {
  /**
   * The `domain` a wallet's proof must carry: the exchange's web origin, which is also the
   * `credentialRequestOrigin` of the Learner Credential Wallet's deep link.
   */
  readonly domain: string;

  constructor(private readonly deps: VcApiExchangeDeps) {
    this.domain = new URL(deps.publicUrl).origin;
  }

  async forClaim(holding: { institution: string; credentialId: string; claimExpiresAt: string }): Promise<OpenedExchange> {
    const now = this.deps.clock.now();
    const expiresAt = new Date(Math.min(Date.parse(holding.claimExpiresAt), now.getTime() + ISSUE_DAYS * 86_400_000));
    return this.open({ purpose: 'issue', institution: holding.institution, credentialId: holding.credentialId }, now, expiresAt);
  }

  async forTransfer(request: { institution: string; student: { name: string; email?: string } }): Promise<OpenedExchange & { trackingToken: string }> {
    const now = this.deps.clock.now();
    const tracking = newToken();
    const opened = await this.open(
      { purpose: 'present', institution: request.institution, student: request.student, trackingTokenHash: tracking.hash },
      now,
      new Date(now.getTime() + PRESENT_MINUTES * 60_000),
    );
    return { ...opened, trackingToken: tracking.token };
  }

  async outcome(exchangeId: string): Promise<ExchangeOutcome> {
    const hash = tokenHash(exchangeId);
    if (!hash) return { state: 'unknown' };
    const result = await this.deps.store.grants.get('exchange-result', hash);
    if (result && !this.expired(result.expiresAt)) {
      return { state: 'completed', ...(result.copyId ? { copyId: result.copyId } : {}), ...(result.transferId ? { transferId: result.transferId } : {}) };
    }
    const exchange = await this.deps.store.grants.get('vcapi-exchange', hash);
    if (!exchange) return result ? { state: 'expired' } : { state: 'unknown' };
    return this.expired(exchange.expiresAt) ? { state: 'expired' } : { state: 'pending' };
  }

  /**
   * The interaction URL's answer: the protocols a wallet may continue with. An issue
   * exchange offers OpenID4VCI too (an offer by value, with a new pre-authorized code).
   *
   * @throws ValidationError (400 naming `exchangeId`) when no open exchange has that id
   */
  async protocols(exchangeId: string): Promise<{ protocols: { vcapi: string; OID4VCI?: string } }> {
    const exchange = await this.openExchange(exchangeId);
    const vcapi = this.exchangeUrl(exchangeId);
    if (exchange.purpose !== 'issue' || !exchange.credentialId) return { protocols: { vcapi } };
    const offer = await this.deps.oid4vci.offer({ institution: exchange.institution, credentialId: exchange.credentialId });
    return { protocols: { vcapi, OID4VCI: `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}` } };
  }

  /**
   * One step of the exchange. `{}` answers the verifiable presentation request; a
   * presentation signed by the holder's did:key with the request's challenge and domain
   * completes it: an issue exchange answers the holder copy in a presentation, a present
   * exchange submits the transfer and answers `{}` (nothing more is asked or offered).
   *
   * @throws ValidationError (400 naming the field) for an unknown, used or expired exchange,
   *   and for a presentation that is malformed, or whose proof, challenge or domain is wrong
   */
  async participate(exchangeId: string, step: ExchangeStep, ctx: RequestContext & { clientAddress: string }): Promise<Json> {
    const exchange = await this.openExchange(exchangeId);
    if (step.verifiablePresentation === undefined) return { verifiablePresentationRequest: this.request(exchange) };
    const presentation = boundedPresentation(step.verifiablePresentation);
    const holderDid = await this.holderOf(presentation, exchange);
    // only now, and only once: of two good answers racing, the one whose consume removed the grant goes on
    // what fails after this (a credential revoked meanwhile, a member suspended) ends the exchange: the page opens a new one
    const consumed = await this.deps.store.grants.consume('vcapi-exchange', exchange.hash);
    if (!consumed) throw ValidationError.field('exchangeId', 'this exchange has been used already');
    const now = this.deps.clock.now();
    const result = { kind: 'exchange-result', hash: exchange.hash, createdAt: now.toISOString(), expiresAt: this.resultExpiry(exchange, now) } as const;
    if (consumed.purpose === 'issue') {
      const copy = await this.deps.holderCopies.issue({ institution: consumed.institution, credentialId: consumed.credentialId!, holderDid, protocol: 'vcapi' }, ctx);
      await this.deps.store.commit([this.deps.store.grants.create({ ...result, copyId: copy.copyId })]);
      return { verifiablePresentation: { '@context': [VC_V2_CONTEXT_URL], type: ['VerifiablePresentation'], verifiableCredential: [copy.credential] } };
    }
    const { transfer } = await this.deps.transfers.submit(consumed.institution, this.transferBody(consumed, presentation, holderDid), ctx, {
      holderDid,
      trackingTokenHash: consumed.trackingTokenHash,
    });
    await this.deps.store.commit([this.deps.store.grants.create({ ...result, transferId: transfer.id })]);
    return {};
  }

  /** `POST` it to take part: the URL a wallet is given (`protocols.vcapi`). */
  exchangeUrl(exchangeId: string): string {
    return `${this.deps.publicUrl}/exchanges/${exchangeId}`;
  }

  private async open(grant: Pick<VcApiExchangeGrant, 'purpose' | 'institution' | 'credentialId' | 'student' | 'trackingTokenHash'>, now: Date, expiresAt: Date): Promise<OpenedExchange> {
    const { token: exchangeId, hash } = newToken();
    const record: VcApiExchangeGrant = {
      kind: 'vcapi-exchange',
      hash,
      ...grant,
      challenge: randomBytes(16).toString('base64url'),
      domain: this.domain,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
    await this.deps.store.commit([this.deps.store.grants.create(record)]);
    return this.linksOf(exchangeId, record);
  }

  /** The links of an exchange still open (a waiting page shows them again at every refresh); undefined when used, expired or unknown. */
  async links(exchangeId: string): Promise<OpenedExchange | undefined> {
    const hash = tokenHash(exchangeId);
    const exchange = hash ? await this.deps.store.grants.get('vcapi-exchange', hash) : undefined;
    return exchange && !this.expired(exchange.expiresAt) ? this.linksOf(exchangeId, exchange) : undefined;
  }

  private linksOf(exchangeId: string, exchange: VcApiExchangeGrant): OpenedExchange {
    const exchangeUrl = this.exchangeUrl(exchangeId);
    return {
      exchangeId,
      exchangeUrl,
      interactionUrl: `${this.deps.publicUrl}/interactions/${exchangeId}?iuv=1`,
      lcwDeepLink: lcwDeepLink(this.deps.publicUrl, exchangeUrl, exchange.challenge),
      expiresAt: exchange.expiresAt,
    };
  }

  /** The exchange an id names, unused and unexpired. */
  private async openExchange(exchangeId: string): Promise<VcApiExchangeGrant> {
    const hash = tokenHash(exchangeId);
    const exchange = hash ? await this.deps.store.grants.get('vcapi-exchange', hash) : undefined;
    if (!exchange) {
      const used = hash ? await this.deps.store.grants.get('exchange-result', hash) : undefined;
      throw ValidationError.field('exchangeId', used ? 'this exchange has been used already' : 'names no exchange');
    }
    if (this.expired(exchange.expiresAt)) throw ValidationError.field('exchangeId', `this exchange expired at ${exchange.expiresAt}; open a new one from the page`);
    return exchange;
  }

  /**
   * The verifiable presentation request (VPR spec): who the holder is (DIDAuthentication by
   * did:key), and for a transfer the Open Badges credentials to present (QueryByExample).
   */
  private request(exchange: VcApiExchangeGrant): Json {
    const didAuth = { type: 'DIDAuthentication', acceptedMethods: [{ method: 'key' }] };
    const credentials = {
      type: 'QueryByExample',
      credentialQuery: [
        {
          reason: 'The credentials to be recognised in your transfer.',
          example: { '@context': [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL], type: 'OpenBadgeCredential' },
        },
      ],
    };
    return { query: exchange.purpose === 'present' ? [credentials, didAuth] : [didAuth], challenge: exchange.challenge, domain: exchange.domain };
  }

  /**
   * The DID that signed the presentation, after its proof verified as the holder's
   * (eddsa-rdfc-2022, `authentication`, this exchange's challenge and domain), by a did:key
   * resolved from the DID itself.
   */
  private async holderOf(presentation: Json, exchange: VcApiExchangeGrant): Promise<string> {
    const shape = checkPresentationShape(presentation);
    if (shape.length > 0) throw new ValidationError('the presentation is malformed', shape.map((i) => ({ field: `verifiablePresentation${i.field ? `.${i.field}` : ''}`, message: i.message })));
    const proofs = asList(presentation.proof);
    if (proofs.length === 0) throw ValidationError.field('verifiablePresentation.proof', 'is required: sign the presentation as its holder (DIDAuthentication)');
    // the request's own values first, so that a wrong one is named as such rather than as a bad signature
    for (const proof of proofs) {
      if (!isJsonObject(proof) || proof.challenge !== exchange.challenge) throw ValidationError.field('verifiablePresentation.proof.challenge', 'is not the challenge this exchange asked for');
      if (!asList(proof.domain).includes(exchange.domain)) throw ValidationError.field('verifiablePresentation.proof.domain', `must be ${exchange.domain}, the domain this exchange asked for`);
      const method = typeof proof.verificationMethod === 'string' ? proof.verificationMethod.split('#')[0]! : '';
      if (!isEd25519DidKey(method)) throw ValidationError.field('verifiablePresentation.proof.verificationMethod', 'must be a key of an Ed25519 did:key (the accepted DID method is key)');
    }
    const documentLoader = exchangeDocumentLoader(this.deps);
    const verified = await verifyPresentationProof(presentation, { documentLoader, challenge: exchange.challenge, domain: exchange.domain });
    if (!verified.verified || !verified.verificationMethod) throw ValidationError.field('verifiablePresentation.proof', verified.error ?? 'does not verify');
    return verified.verificationMethod.split('#')[0]!;
  }

  /** The transfer a present exchange makes: the student as the page gave them, known by the wallet's DID when no email was given. */
  private transferBody(exchange: VcApiExchangeGrant, presentation: Json, holderDid: string) {
    const student = exchange.student ?? { name: 'Wallet holder' };
    const parsed = transferBodySchema.safeParse({ student: student.email ? student : { ...student, did: holderDid }, credentials: asList(presentation.verifiableCredential) });
    if (!parsed.success) throw ValidationError.field('verifiablePresentation.verifiableCredential', 'must hold 1 to 50 credentials for the transfer');
    return parsed.data;
  }

  private resultExpiry(exchange: VcApiExchangeGrant, now: Date): string {
    return new Date(Math.max(Date.parse(exchange.expiresAt), now.getTime() + RESULT_MINUTES * 60_000)).toISOString();
  }

  private expired(expiresAt: string): boolean {
    return Date.parse(expiresAt) <= this.deps.clock.now().getTime();
  }
}

/**
 * The Learner Credential Wallet's deep link to a VC API exchange: its universal link carrying
 * the exchange URL (`vc_request_url`) and the challenge the wallet's DIDAuth presentation must
 * sign, with the exchange's host as `issuer`, as the Digital Credentials Consortium's
 * transaction service makes it for LCW (skybridgeskills/dcc-transaction-service,
 * `lcw.protocols.vcapi.getInteractionUrl(endpoint, { challenge })`). LCW may post its DIDAuth
 * at once, without asking for the request first: the exchange takes it the same.
 */
export function lcwDeepLink(publicUrl: string, exchangeUrl: string, challenge: string): string {
  const issuer = new URL(publicUrl).host;
  return `https://lcw.app/request.html?issuer=${encodeURIComponent(issuer)}&auth_type=bearer&challenge=${encodeURIComponent(challenge)}&vc_request_url=${encodeURIComponent(exchangeUrl)}`;
}
