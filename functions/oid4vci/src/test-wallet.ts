/**
 * Wallet keys for the OpenID4VCI tests: a did:key (Ed25519) or did:jwk (P-256) holder that
 * signs `openid4vci-proof+jwt` proofs with node:crypto, as a wallet does.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ed25519ToMultibase } from '@cx/domain';

type Json = Record<string, unknown>;

export interface TestWallet {
  did: string;
  /** The DID URL of the proof's `kid`. */
  kid: string;
  alg: 'EdDSA' | 'ES256';
  /** A compact proof JWT of `claims`, its header the wallet's unless `header` overrides it. */
  proof(claims: Json, header?: Json): string;
}

const b64 = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signer(kid: string, alg: TestWallet['alg'], privateKey: KeyObject): TestWallet['proof'] {
  return (claims, header = {}) => {
    const signingInput = `${b64({ typ: 'openid4vci-proof+jwt', alg, kid, ...header })}.${b64(claims)}`;
    const signature = alg === 'EdDSA' ? sign(null, Buffer.from(signingInput), privateKey) : sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${signature.toString('base64url')}`;
  };
}

/** A did:key wallet of an Ed25519 key. */
export function didKeyWallet(): TestWallet {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  const did = `did:key:${multibase}`;
  return { did, kid: `${did}#${multibase}`, alg: 'EdDSA', proof: signer(`${did}#${multibase}`, 'EdDSA', privateKey) };
}

/** A did:jwk wallet of a P-256 key. */
export function didJwkWallet(): TestWallet {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const did = `did:jwk:${b64({ kty, crv, x, y })}`;
  return { did, kid: `${did}#0`, alg: 'ES256', proof: signer(`${did}#0`, 'ES256', privateKey) };
}
