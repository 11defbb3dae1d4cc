/**
 * Ed25519 public keys in the Multikey form used by DID documents and
 * Data Integrity proofs: `z` + base58btc(0xed 0x01 + 32-byte key), which begins `z6Mk`.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ED25519_PUB_PREFIX = Uint8Array.of(0xed, 0x01);

export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i]! << 8;
      digits[i] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  return '1'.repeat(zeros) + digits.reverse().map((d) => ALPHABET[d]).join('');
}

export function base58btcDecode(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    let carry = ALPHABET.indexOf(char);
    if (carry < 0) throw new Error(`not a base58btc character: ${char}`);
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  // each leading '1' stands for one leading zero byte
  for (let i = 0; i < text.length && text[i] === '1'; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

/** @example ed25519ToMultibase(raw32) // 'z6Mk...' */
export function ed25519ToMultibase(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes, not ${publicKey.length}`);
  const prefixed = new Uint8Array(34);
  prefixed.set(ED25519_PUB_PREFIX, 0);
  prefixed.set(publicKey, 2);
  return 'z' + base58btcEncode(prefixed);
}

export function multibaseToEd25519(multibase: string): Uint8Array {
  if (!multibase.startsWith('z')) throw new Error('expected a base58btc multibase value (z...)');
  const bytes = base58btcDecode(multibase.slice(1));
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new Error('not an Ed25519 Multikey public key');
  }
  return bytes.slice(2);
}
