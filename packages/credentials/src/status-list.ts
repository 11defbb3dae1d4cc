/**
 * W3C Bitstring Status List v1.0, published as a signed `BitstringStatusListCredential` whose
 * `encodedList` is the GZIP-compressed bitstring in multibase base64url (`u...`). Bit 0 is the
 * most significant bit of the first byte.
 *
 * Credentials issued now carry one entry (Open Badges 3.0 allows one `credentialStatus`):
 * `statusPurpose: "message"`, `statusSize` 2, whose value says active, revoked or suspended
 * (see {@link STATUS_MESSAGES}). Credentials issued before carry two single-bit entries,
 * `revocation` and `suspension`, in lists that stay served and updated.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { VC_V2_CONTEXT_URL } from './contexts.js';
import { dateTime } from './date-time.js';

/** 131,072 entries (16 KB uncompressed): the minimum the spec sets for herd privacy. */
export const STATUS_LIST_LENGTH = 131_072;

/** `message`: the 2-bit lists of credentials issued now; the others: the lists of older credentials. */
export type StatusPurpose = 'revocation' | 'suspension' | 'message';

/** Bits per entry in a `message` list. */
export const MESSAGE_STATUS_SIZE = 2;

/**
 * The statuses a `message` entry can take, in the spec's form: one message per value of
 * `statusSize` bits (2 bits: 4 values, the last one unused and marked `undefined` as the spec allows).
 */
export const STATUS_MESSAGES = [
  { status: '0x0', message: 'active' },
  { status: '0x1', message: 'revoked' },
  { status: '0x2', message: 'suspended' },
  { status: '0x3', message: 'undefined' },
] as const;

/**
 * The `statusReference` of a `message` entry: material on what its statuses mean (the spec's
 * definitions of the purposes: revocation is not reversible, suspension is). The spec strongly
 * encourages one for purpose `message`; a W3C Recommendation's address stays the same.
 */
export const STATUS_REFERENCE = 'https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry';

/** What a `message` entry says. */
export type MessageStatus = 'active' | 'revoked' | 'suspended';

/**
 * Entries in a `message` list: 262,144 of 2 bits (64 KB). Only the upper half is handed out
 * (see {@link MESSAGE_INDEX_RANGE}), so 131,072 credentials share a list, the spec's herd size.
 */
export const MESSAGE_LIST_ENTRIES = 262_144;

/**
 * The indexes new credentials draw from: the upper half of a `message` list. Verifiers that
 * ignore `statusSize` (@digitalbazaar/vc-bitstring-status-list 2.0 and
 * @digitalcredentials/vc-bitstring-status-list 1.0, under the Learner Credential Wallet and
 * VerifierPlus) read the single bit at `statusListIndex` instead of the two bits at
 * `statusListIndex * 2`. For an index i in the upper half that bit lies in the entries of the
 * lower quarter (floor(i / 2)), which no credential holds, so the exchange sets it whenever
 * credential i is revoked or suspended: such verifiers then report it as not valid, and
 * spec-following verifiers read bits that no other credential's entry touches.
 */
export const MESSAGE_INDEX_RANGE = { from: MESSAGE_LIST_ENTRIES / 2, to: MESSAGE_LIST_ENTRIES } as const;

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

/** A bitstring for a `message` list: {@link MESSAGE_LIST_ENTRIES} entries of {@link MESSAGE_STATUS_SIZE} bits, all 0 (active). */
export function newMessageBitstring(): Uint8Array {
  return newBitstring(MESSAGE_LIST_ENTRIES * MESSAGE_STATUS_SIZE);
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

/**
 * Writes the status of the `message` entry at `index` (in {@link MESSAGE_INDEX_RANGE}), in place:
 * its two bits at `index * 2`, and the bit at `index` that verifiers ignoring `statusSize` read.
 */
export function setMessageStatus(bits: Uint8Array, index: number, status: MessageStatus): void {
  if (!Number.isInteger(index) || index < MESSAGE_INDEX_RANGE.from || index >= MESSAGE_INDEX_RANGE.to) {
    throw new RangeError(`a message status index is in ${MESSAGE_INDEX_RANGE.from}..${MESSAGE_INDEX_RANGE.to - 1}; not ${index}`);
  }
  const value = STATUS_MESSAGES.findIndex((m) => m.message === status);
  setBit(bits, index * MESSAGE_STATUS_SIZE, (value & 0b10) !== 0);
  setBit(bits, index * MESSAGE_STATUS_SIZE + 1, (value & 0b01) !== 0);
  setBit(bits, index, status !== 'active');
}

/**
 * The status of the `message` entry at `index`, read as the spec's validate algorithm does (the
 * `statusSize` bits at `index * statusSize`, most significant first); undefined for a value no
 * message names, or an index outside the list.
 */
export function readMessageStatus(bits: Uint8Array, index: number): MessageStatus | undefined {
  if (!Number.isInteger(index) || index < 0 || (index + 1) * MESSAGE_STATUS_SIZE > bits.length * 8) return undefined;
  const value = (Number(getBit(bits, index * MESSAGE_STATUS_SIZE)) << 1) | Number(getBit(bits, index * MESSAGE_STATUS_SIZE + 1));
  const message = STATUS_MESSAGES[value]?.message;
  return message === 'undefined' ? undefined : message;
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

/**
 * The terms a `message` list's subject needs that the VC 2.0 context defines only on the
 * entry: the spec requires `statusSize` and `statusMessages` on the list for purpose `message`.
 */
const MESSAGE_LIST_CONTEXT = {
  statusSize: { '@id': 'https://www.w3.org/ns/credentials/status#statusSize', '@type': 'http://www.w3.org/2001/XMLSchema#integer' },
  statusMessages: {
    '@id': 'https://www.w3.org/ns/credentials/status#statusMessage',
    '@context': { status: 'https://www.w3.org/ns/credentials/status#status', message: 'https://www.w3.org/ns/credentials/status#message' },
  },
} as const;

/**
 * An unsigned `BitstringStatusListCredential` (VC 2.0); sign it with `signCredential`. A
 * `message` list also states its `statusSize` and `statusMessages`, under a small inline context.
 */
export function statusListCredential({ id, issuer, statusPurpose, encodedList, validFrom, validUntil }: StatusListCredentialInput) {
  const message = statusPurpose === 'message';
  return {
    '@context': message ? [VC_V2_CONTEXT_URL, MESSAGE_LIST_CONTEXT] : [VC_V2_CONTEXT_URL],
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
      ...(message ? { statusSize: MESSAGE_STATUS_SIZE, statusMessages: STATUS_MESSAGES.map((m) => ({ ...m })) } : {}),
    },
  };
}

export interface StatusEntryInput {
  /** The URL of the status list credential. */
  statusListCredential: string;
  index: number;
  purpose: Exclude<StatusPurpose, 'message'>;
}

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** A string, as the spec requires. */
  statusListIndex: string;
  statusListCredential: string;
  /** `message` entries: bits per entry. */
  statusSize?: number;
  /** `message` entries: what each value means. */
  statusMessage?: Array<{ status: string; message: string }>;
  /** `message` entries: where the meaning of the messages is described. */
  statusReference?: string;
}

/** A single-bit `revocation` or `suspension` entry, as credentials issued before `message` entries carry. */
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

/**
 * A credential's one `credentialStatus` entry: `statusPurpose` `message`, 2 bits at `index`
 * of the `message` list, active, revoked or suspended as {@link STATUS_MESSAGES} says.
 */
export function messageStatusEntry({ statusListCredential, index }: Omit<StatusEntryInput, 'purpose'>): BitstringStatusListEntry {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`a status list index is a non-negative integer, not ${index}`);
  return {
    id: `${statusListCredential}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'message',
    statusListIndex: String(index),
    statusListCredential,
    statusSize: MESSAGE_STATUS_SIZE,
    statusMessage: STATUS_MESSAGES.map((m) => ({ ...m })),
    statusReference: STATUS_REFERENCE,
  };
}

/**
 * A credential's `credentialStatus` as a list, whichever form it takes: absent (none), one
 * object (Open Badges 3.0, one entry) or a list (credentials issued before, and composed ones).
 */
export function statusEntriesOf(credential: Record<string, unknown>): Array<Record<string, any>> {
  const status = credential.credentialStatus;
  return (status === undefined || status === null ? [] : Array.isArray(status) ? status : [status]) as Array<Record<string, any>>;
}
