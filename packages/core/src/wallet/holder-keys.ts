/**
 * The public key behind a holder's DID URL, resolved locally: a did:key or did:jwk DID is its
 * own public key, so nothing is fetched. Ed25519 and P-256 keys, the two the OpenID4VCI proof
 * may be signed with (EdDSA, ES256).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { base58btcDecode, multibaseToEd25519 } from '@cx/domain';

export type HolderKeyType = 'Ed25519' | 'P-256';

export interface HolderKey {
  /** The DID the key belongs to (the DID URL without its fragment): the copy's `credentialSubject.id`. */
  did: string;
  type: HolderKeyType;
  key: KeyObject;
}

/** Longer DID URLs are no key of a method resolved here (a did:jwk of a P-256 key is about 170 characters). */
const MAX_DID_URL = 512;

/** did:key: multibase base58btc of a multicodec-prefixed key (Ed25519 `z6Mk...`, P-256 `zDn...`). */
const DID_KEY = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)#(z[1-9A-HJ-NP-Za-km-z]+)$/;
const DID_JWK = /^did:jwk:([A-Za-z0-9_-]+)#0$/;

/** The multicodec header of a compressed P-256 public key (0x1200 as a varint). */
const P256_PUB_PREFIX = [0x80, 0x24];
/** SubjectPublicKeyInfo of a P-256 key up to its (compressed, 33-byte) point. */
const P256_SPKI_PREFIX = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

/**
 * The key a proof's `kid` names: `did:key:z...#z...` (the fragment its own key) or
 * `did:jwk:...#0`; undefined when it is none of these, or does not decode to a public key.
 *
 * @example
 * resolveHolderKey('did:key:z6MkpJy...#z6MkpJy...') // { did: 'did:key:z6MkpJy...', type: 'Ed25519', key }
 */
export function resolveHolderKey(didUrl: string): HolderKey | undefined {
  if (didUrl.length > MAX_DID_URL) return undefined;
  try {
    return didKey(didUrl) ?? didJwk(didUrl);
  } catch {
    // a malformed key (a bad point, a wrong length) is no key
    return undefined;
  }
}

function didKey(didUrl: string): HolderKey | undefined {
  const match = DID_KEY.exec(didUrl);
  // did:key's one verification method is `#` + the key itself
  if (!match || match[1] !== match[2]) return undefined;
  const multibase = match[1]!;
  const did = `did:key:${multibase}`;
  if (multibase.startsWith('z6Mk')) {
    const raw = multibaseToEd25519(multibase);
    return { did, type: 'Ed25519', key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' }) };
  }
  const bytes = base58btcDecode(multibase.slice(1));
  if (bytes.length !== 35 || bytes[0] !== P256_PUB_PREFIX[0] || bytes[1] !== P256_PUB_PREFIX[1]) return undefined;
  // OpenSSL reads the compressed point in a SubjectPublicKeyInfo, and checks it is on the curve
  return { did, type: 'P-256', key: createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, bytes.subarray(2)]), format: 'der', type: 'spki' }) };
}

function didJwk(didUrl: string): HolderKey | undefined {
  const match = DID_JWK.exec(didUrl);
  if (!match) return undefined;
  const jwk: unknown = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8'));
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return undefined;
  const { kty, crv, x, y, d } = jwk as Record<string, unknown>;
  // a private key in a DID is a mistake of the wallet's, never a key to bind to
  if (d !== undefined || typeof x !== 'string') return undefined;
  const did = didUrl.slice(0, -'#0'.length);
  if (kty === 'OKP' && crv === 'Ed25519') return { did, type: 'Ed25519', key: createPublicKey({ key: { kty, crv, x }, format: 'jwk' }) };
  if (kty === 'EC' && crv === 'P-256' && typeof y === 'string') return { did, type: 'P-256', key: createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }) };
  return undefined;
}
