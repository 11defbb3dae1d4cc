/**
 * W3C Bitstring Status List v1.0: revocation and suspension bits, published as a signed
 * `BitstringStatusListCredential` whose `encodedList` is the GZIP-compressed bitstring in
 * multibase base64url (`u...`). Bit 0 is the most significant bit of the first byte.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { VC_V2_CONTEXT_URL } from './contexts.js';
import { dateTime } from './date-time.js';

/** 131,072 entries (16 KB uncompressed): the minimum the spec sets for herd privacy. */
export const STATUS_LIST_LENGTH = 131_072;

export type StatusPurpose = 'revocation' | 'suspension';

/** A bitstring of `length` bits, all 0 (`length` a multiple of 8, at least 131,072). */
export function newBitstring(length: number = STATUS_LIST_LENGTH): Uint8Array {
  if (!Number.isInteger(length) || length % 8 !== 0 || length < STATUS_LIST_LENGTH) {
    throw new RangeError(`a status list has a multiple of 8 bits, at least ${STATUS_LIST_LENGTH}; not ${length}`);
  }
  return new Uint8Array(length / 8);
}

function position(bits: Uint8Array, index: number): { byte: number; mask: number } {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new RangeError(`status list index ${index} is outside 0..${bits.length * 8 - 1}`);
  }
  return { byte: index >> 3, mask: 0x80 >> (index & 7) };
}

/** Sets (or clears) the bit at `index`, in place. */
export function setBit(bits: Uint8Array, index: number, value = true): void {
  const { byte, mask } = position(bits, index);
  bits[byte] = value ? bits[byte]! | mask : bits[byte]! & ~mask;
}

export function getBit(bits: Uint8Array, index: number): boolean {
  const { byte, mask } = position(bits, index);
  return (bits[byte]! & mask) !== 0;
}

/** The `encodedList` of a status list: `u` + base64url (no padding) of the GZIP-compressed bits. */
export function encodeList(bits: Uint8Array): string {
  return 'u' + gzipSync(bits).toString('base64url');
}

/** The bits of an `encodedList`; refuses lists that inflate past 16 MB (a GZIP bomb). */
export function decodeList(encoded: string): Uint8Array {
  if (typeof encoded !== 'string' || !encoded.startsWith('u')) {
    throw new Error('an encodedList is multibase base64url: it begins with "u"');
  }
  const compressed = Buffer.from(encoded.slice(1), 'base64url');
  return new Uint8Array(gunzipSync(compressed, { maxOutputLength: 16 * 1024 * 1024 }));
}

export interface StatusListCredentialInput {
  /** The URL the list is served at, e.g. `https://host/status-lists/uni-x/rev-1`. */
  id: string;
  /** The issuer's DID (the same issuer as the credentials the list covers). */
  issuer: string;
  statusPurpose: StatusPurpose;
  encodedList: string;
  validFrom: Date | string;
  validUntil?: Date | string;
}

/** An unsigned `BitstringStatusListCredential` (VC 2.0); sign it with `signCredential`. */
export function statusListCredential({ id, issuer, statusPurpose, encodedList, validFrom, validUntil }: StatusListCredentialInput) {
  return {
    '@context': [VC_V2_CONTEXT_URL],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer,
    validFrom: dateTime(validFrom),
    ...(validUntil ? { validUntil: dateTime(validUntil) } : {}),
    credentialSubject: {
      id: `${id}#list`,
      // a plain string: @digitalbazaar/vc-bitstring-status-list refuses an array here
      type: 'BitstringStatusList',
      statusPurpose,
      encodedList,
    },
  };
}

export interface StatusEntryInput {
  /** The URL of the status list credential. */
  statusListCredential: string;
  index: number;
  purpose: StatusPurpose;
}

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** A string, as the spec requires. */
  statusListIndex: string;
  statusListCredential: string;
}

/** A credential's `credentialStatus` entry pointing at bit `index` of a status list. */
export function statusEntry({ statusListCredential, index, purpose }: StatusEntryInput): BitstringStatusListEntry {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`a status list index is a non-negative integer, not ${index}`);
  return {
    id: `${statusListCredential}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential,
  };
}
