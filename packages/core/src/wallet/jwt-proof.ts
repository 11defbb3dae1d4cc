/**
 * The `jwt` proof of possession of OpenID4VCI 1.0 ("jwt Proof Type", "Verifying Proof"): a compact JWS
 * typed `openid4vci-proof+jwt`, signed EdDSA or ES256 by the key its `kid` (a did:key or did:jwk
 * DID URL) names, for the credential issuer (`aud`), recently (`iat`), with a server nonce.
 * Checked with node:crypto only; the nonce is returned for the caller to use up.
 */
import { verify as verifySignature } from 'node:crypto';
import { OAuthError } from './oauth-error.js';
import { resolveHolderKey, type HolderKey, type HolderKeyType } from './holder-keys.js';

/** A proof is a few hundred bytes; anything much larger is not one. */
const MAX_PROOF_LENGTH = 8 * 1024;
/** How far `iat` may be from the issuer's clock: a wallet's clock may be a little off, and a proof is made just before it is sent. */
export const PROOF_IAT_WINDOW_SECONDS = 300;

/** The algorithms the issuer's metadata offers for proofs, and the key type each needs. */
export const PROOF_ALGORITHMS: Readonly<Record<string, HolderKeyType>> = { EdDSA: 'Ed25519', ES256: 'P-256' };

export interface VerifiedProof {
  holder: HolderKey;
  /** The `nonce` claim: a c_nonce, not yet known to be one of the issuer's. */
  nonce: string;
}

const invalid = (description: string) => new OAuthError('invalid_proof', description);

function decodePart(part: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw invalid(`the proof's ${name} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`the proof's ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Verifies a proof JWT for `audience` (the credential issuer identifier) at `nowSeconds`.
 *
 * @throws OAuthError `invalid_proof` naming what is wrong (form, type, algorithm, key, signature, audience, time, nonce missing)
 * @example
 * const { holder, nonce } = verifyJwtProof(jwt, 'https://exchange.example.eu/institutions/uni-leiden', Date.now() / 1000);
 */
export function verifyJwtProof(jwt: string, audience: string, nowSeconds: number): VerifiedProof {
  if (jwt.length > MAX_PROOF_LENGTH) throw invalid('the proof is too long to be a proof JWT');
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) throw invalid('the proof is not a compact JWS (three base64url parts)');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart, 'header');
  const claims = decodePart(payloadPart, 'payload');

  if (header.typ !== 'openid4vci-proof+jwt') throw invalid('the proof JWT must have typ "openid4vci-proof+jwt"');
  const alg = typeof header.alg === 'string' ? header.alg : '';
  const keyType = Object.hasOwn(PROOF_ALGORITHMS, alg) ? PROOF_ALGORITHMS[alg] : undefined;
  if (!keyType) throw invalid(`the proof's alg must be one of ${Object.keys(PROOF_ALGORITHMS).join(', ')}`);
  if (header.jwk !== undefined || header.x5c !== undefined) throw invalid('the credential is bound to a DID: name its key with kid (a did:key or did:jwk DID URL), not jwk or x5c');
  const holder = typeof header.kid === 'string' ? resolveHolderKey(header.kid) : undefined;
  if (!holder) throw invalid('the proof\'s kid must be a did:key or did:jwk DID URL of an Ed25519 or P-256 key');
  if (holder.type !== keyType) throw invalid(`alg ${alg} does not match the ${holder.type} key of kid`);

  const signature = Buffer.from(signaturePart, 'base64url');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  // JWS ES256 signatures are r || s (64 bytes), not DER
  const valid =
    keyType === 'Ed25519'
      ? verifySignature(null, signed, holder.key, signature)
      : signature.length === 64 && verifySignature('sha256', signed, { key: holder.key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) throw invalid('the proof\'s signature does not verify with the key of its kid');

  const aud = claims.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience))) throw invalid(`the proof's aud must be the credential issuer ${audience}`);
  if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) throw invalid('the proof must say when it was made (iat, in seconds)');
  if (Math.abs(nowSeconds - claims.iat) > PROOF_IAT_WINDOW_SECONDS) throw invalid(`the proof's iat is more than ${PROOF_IAT_WINDOW_SECONDS} seconds from now`);
  if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) throw invalid('the proof has expired (exp)');
  if (typeof claims.nonce !== 'string' || claims.nonce === '') throw invalid('the proof must carry a c_nonce from the nonce endpoint (nonce)');
  return { holder, nonce: claims.nonce };
}
