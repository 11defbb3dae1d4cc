/**
 * Ed25519 keys in DER SubjectPublicKeyInfo form, as KMS `GetPublicKey` returns them:
 * a fixed 12-byte header (SEQUENCE, AlgorithmIdentifier id-Ed25519 1.3.101.112, BIT STRING)
 * followed by the raw 32-byte key.
 */
const ED25519_SPKI_HEADER = Buffer.from('302a300506032b6570032100', 'hex');

export function rawEd25519FromSpki(der: Uint8Array): Uint8Array {
  const bytes = Buffer.from(der);
  if (bytes.length !== 44 || !bytes.subarray(0, 12).equals(ED25519_SPKI_HEADER)) {
    throw new Error('not a DER SubjectPublicKeyInfo of an Ed25519 key');
  }
  return Uint8Array.from(bytes.subarray(12));
}

export function spkiFromRawEd25519(raw: Uint8Array): Buffer {
  if (raw.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  return Buffer.concat([ED25519_SPKI_HEADER, raw]);
}
