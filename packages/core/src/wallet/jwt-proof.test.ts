/**
 * The OpenID4VCI `jwt` proof on its own: signatures by did:key (Ed25519, P-256) and did:jwk
 * keys verify; a kid that names no key of ours, a private key in a DID, another algorithm, a
 * tampered or misaddressed proof, a stale one and one without a nonce are `invalid_proof`.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { base58btcEncode, ed25519ToMultibase } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { verifyJwtProof } from './jwt-proof.js';
import { OAuthError } from './oauth-error.js';

const AUD = 'https://exchange.test/institutions/uni-a';
const NOW = 1_800_000_000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(header: object, claims: object, privateKey: KeyObject, alg: 'EdDSA' | 'ES256'): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = alg === 'EdDSA' ? sign(null, Buffer.from(input), privateKey) : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function ed25519DidKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  return { did: `did:key:${multibase}`, kid: `did:key:${multibase}#${multibase}`, privateKey, alg: 'EdDSA' as const };
}

function p256DidKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  const yBytes = Buffer.from(y!, 'base64url');
  // a compressed point: 02 or 03 (the parity of y), then x
  const point = Buffer.concat([Buffer.of(yBytes[31]! & 1 ? 0x03 : 0x02), Buffer.from(x!, 'base64url')]);
  const multibase = `z${base58btcEncode(Buffer.concat([Buffer.of(0x80, 0x24), point]))}`;
  return { did: `did:key:${multibase}`, kid: `did:key:${multibase}#${multibase}`, privateKey, alg: 'ES256' as const };
}

function p256DidJwk(extra: object = {}) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  const did = `did:jwk:${b64({ kty: 'EC', crv: 'P-256', x, y, ...extra })}`;
  return { did, kid: `${did}#0`, privateKey, alg: 'ES256' as const };
}

const claims = { aud: AUD, iat: NOW, nonce: 'n-1' };
const proof = (holder: { kid: string; privateKey: KeyObject; alg: 'EdDSA' | 'ES256' }, overrides: { header?: object; claims?: object } = {}) =>
  jwt({ typ: 'openid4vci-proof+jwt', alg: holder.alg, kid: holder.kid, ...overrides.header }, { ...claims, ...overrides.claims }, holder.privateKey, holder.alg);

function refusal(act: () => unknown): OAuthError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_proof');
    return error as OAuthError;
  }
  throw new Error('the proof was accepted');
}

describe('verifyJwtProof', () => {
  it.each([
    ['a did:key of an Ed25519 key', ed25519DidKey],
    ['a did:key of a P-256 key', p256DidKey],
    ['a did:jwk of a P-256 key', () => p256DidJwk()],
  ])('verifies a proof by %s and names its DID and nonce', (_, make) => {
    const holder = make();
    const verified = verifyJwtProof(proof(holder), AUD, NOW + 10);
    expect(verified.holder.did).toBe(holder.did);
    expect(verified.nonce).toBe('n-1');
  });

  it('refuses a did:key whose fragment is not its key', () => {
    const holder = ed25519DidKey();
    const other = ed25519DidKey();
    refusal(() => verifyJwtProof(proof(holder, { header: { kid: `${holder.did}#${other.did.slice('did:key:'.length)}` } }), AUD, NOW));
  });

  it('refuses a did:jwk carrying a private key', () => {
    refusal(() => verifyJwtProof(proof(p256DidJwk({ d: 'secret' })), AUD, NOW));
  });

  it('refuses alg none and algorithms not offered', () => {
    const holder = ed25519DidKey();
    const [, payload] = proof(holder).split('.');
    refusal(() => verifyJwtProof(`${b64({ typ: 'openid4vci-proof+jwt', alg: 'none', kid: holder.kid })}.${payload}.`, AUD, NOW));
    refusal(() => verifyJwtProof(proof(holder, { header: { alg: 'HS256' } }), AUD, NOW));
    refusal(() => verifyJwtProof(proof(holder, { header: { alg: '__proto__' } }), AUD, NOW));
  });

  it('refuses a tampered payload, another audience, a stale iat and a missing nonce', () => {
    const holder = ed25519DidKey();
    const [header, , signature] = proof(holder).split('.');
    expect(refusal(() => verifyJwtProof(`${header}.${b64({ ...claims, nonce: 'n-2' })}.${signature}`, AUD, NOW)).message).toMatch(/signature/);
    expect(refusal(() => verifyJwtProof(proof(holder, { claims: { aud: 'https://exchange.test/institutions/uni-b' } }), AUD, NOW)).message).toMatch(/aud/);
    expect(refusal(() => verifyJwtProof(proof(holder), AUD, NOW + 301)).message).toMatch(/iat/);
    expect(refusal(() => verifyJwtProof(proof(holder, { claims: { nonce: undefined } }), AUD, NOW)).message).toMatch(/nonce/);
  });

  it('refuses what is no compact JWS, and one too long to be a proof', () => {
    refusal(() => verifyJwtProof('a.b', AUD, NOW));
    refusal(() => verifyJwtProof(`${'a'.repeat(9000)}.b.c`, AUD, NOW));
    refusal(() => verifyJwtProof(`${b64({ typ: 'openid4vci-proof+jwt' })}.%%%.c`, AUD, NOW));
  });
});
