import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base58btcDecode, base58btcEncode, ed25519ToMultibase, multibaseToEd25519 } from './multikey.js';

describe('multikey', () => {
  it('encodes the did:key spec test vector', () => {
    // from the did:key method spec: the Ed25519 key behind did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
    const raw = Buffer.from('3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29', 'hex');
    expect(ed25519ToMultibase(raw)).toBe('z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp');
  });

  it('round-trips real Ed25519 public keys', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const multibase = ed25519ToMultibase(raw);
    expect(multibase.startsWith('z6Mk')).toBe(true);
    expect(Buffer.from(multibaseToEd25519(multibase))).toEqual(raw);
  });

  it('keeps leading zero bytes through base58btc', () => {
    const bytes = Uint8Array.of(0, 0, 1, 2, 255);
    expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
  });

  it('refuses keys that are not Ed25519 Multikeys', () => {
    expect(() => multibaseToEd25519('z' + base58btcEncode(Uint8Array.of(0x12, 0x00, 1, 2)))).toThrow(/Ed25519/);
    expect(() => ed25519ToMultibase(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
