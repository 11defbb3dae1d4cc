import { gunzipSync } from 'node:zlib';
import { createList, decodeList as referenceDecode } from '@digitalbazaar/vc-bitstring-status-list';
import { describe, expect, it } from 'vitest';
import {
  decodeList,
  encodeList,
  getBit,
  MESSAGE_INDEX_RANGE,
  MESSAGE_LIST_ENTRIES,
  messageStatusEntry,
  newBitstring,
  newMessageBitstring,
  readMessageStatus,
  setBit,
  setMessageStatus,
  STATUS_LIST_LENGTH,
  statusEntry,
  statusListCredential,
} from './status-list.js';

const SET = [0, 7, 8, 4242, 99_001, STATUS_LIST_LENGTH - 1];

describe('status list bitstrings', () => {
  it('holds 131,072 entries in 16 KB', () => {
    expect(newBitstring()).toHaveLength(16 * 1024);
  });

  it('sets, reads and clears single bits', () => {
    const bits = newBitstring();
    setBit(bits, 4242);
    expect([getBit(bits, 4241), getBit(bits, 4242), getBit(bits, 4243)]).toEqual([false, true, false]);
    setBit(bits, 4242, false);
    expect(getBit(bits, 4242)).toBe(false);
  });

  it('refuses indexes outside the list', () => {
    expect(() => setBit(newBitstring(), STATUS_LIST_LENGTH)).toThrow(RangeError);
    expect(() => getBit(newBitstring(), -1)).toThrow(RangeError);
  });

  it('encodes a list that @digitalbazaar/vc-bitstring-status-list decodes to the same bits', async () => {
    const bits = newBitstring();
    SET.forEach((index) => setBit(bits, index));
    const encoded = encodeList(bits);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);

    const decoded = await referenceDecode({ encodedList: encoded });
    expect(decoded.length).toBeGreaterThanOrEqual(STATUS_LIST_LENGTH);
    const setInReference = [...Array(decoded.length).keys()].filter((i) => decoded.getStatus(i));
    expect(setInReference).toEqual(SET);
  });

  it('encodes at least 16 KB of uncompressed bits', () => {
    expect(gunzipSync(Buffer.from(encodeList(newBitstring()).slice(1), 'base64url')).length).toBeGreaterThanOrEqual(16 * 1024);
  });

  it('decodes lists encoded by @digitalbazaar/vc-bitstring-status-list', async () => {
    const reference = await createList({ length: STATUS_LIST_LENGTH });
    reference.setStatus(12_345, true);
    const bits = decodeList(await reference.encode());
    expect([getBit(bits, 12_344), getBit(bits, 12_345)]).toEqual([false, true]);
  });

  it('refuses an encodedList without the multibase prefix', () => {
    expect(() => decodeList(encodeList(newBitstring()).slice(1))).toThrow(/begins with "u"/);
  });
});

describe('status list credentials and entries', () => {
  it('builds an unsigned BitstringStatusListCredential on the VC v2 context', () => {
    const credential = statusListCredential({
      id: 'https://exchange.example.eu/status-lists/uni-leiden/rev-1',
      issuer: 'did:web:exchange.example.eu:institutions:uni-leiden',
      statusPurpose: 'revocation',
      encodedList: 'uH4sIAAAAAAAAA',
      validFrom: new Date('2025-01-01T12:00:00.123Z'),
    });
    expect(credential).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'https://exchange.example.eu/status-lists/uni-leiden/rev-1',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:web:exchange.example.eu:institutions:uni-leiden',
      validFrom: '2025-01-01T12:00:00Z',
      credentialSubject: {
        id: 'https://exchange.example.eu/status-lists/uni-leiden/rev-1#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: 'uH4sIAAAAAAAAA',
      },
    });
  });

  it('builds an entry whose index is a string, as the spec requires', () => {
    expect(statusEntry({ statusListCredential: 'https://x.example/status-lists/a/sus-1', index: 42, purpose: 'suspension' })).toEqual({
      id: 'https://x.example/status-lists/a/sus-1#42',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'suspension',
      statusListIndex: '42',
      statusListCredential: 'https://x.example/status-lists/a/sus-1',
    });
  });
});

describe('message status lists (one entry of 2 bits per credential)', () => {
  const index = 150_001;

  it('hold 262,144 entries of 2 bits (64 KB), so 131,072 entries remain after dividing by statusSize', () => {
    expect(newMessageBitstring()).toHaveLength(64 * 1024);
    expect((newMessageBitstring().length * 8) / 2).toBe(MESSAGE_LIST_ENTRIES);
    expect(MESSAGE_INDEX_RANGE.to - MESSAGE_INDEX_RANGE.from).toBe(131_072);
  });

  it.each([
    ['active', [false, false]],
    ['revoked', [false, true]],
    ['suspended', [true, false]],
  ] as const)('writes %s as its value in the two bits at index * 2, most significant first', (status, pair) => {
    const bits = newMessageBitstring();
    setMessageStatus(bits, index, status);
    expect([getBit(bits, index * 2), getBit(bits, index * 2 + 1)]).toEqual(pair);
    expect(readMessageStatus(bits, index)).toBe(status);
  });

  it('sets the bit at the index itself while revoked or suspended, for verifiers that ignore statusSize, and clears it when active again', () => {
    const bits = newMessageBitstring();
    setMessageStatus(bits, index, 'suspended');
    expect(getBit(bits, index)).toBe(true);
    setMessageStatus(bits, index, 'active');
    expect(getBit(bits, index)).toBe(false);
    expect(bits.every((byte) => byte === 0)).toBe(true);
  });

  it('keeps every credential\'s two bits apart from the single bits: neighbours in the range read their own status', () => {
    const bits = newMessageBitstring();
    const { from, to } = MESSAGE_INDEX_RANGE;
    for (const i of [from, from + 1, to - 2, to - 1]) setMessageStatus(bits, i, 'revoked');
    expect([from, from + 1, to - 2, to - 1].map((i) => readMessageStatus(bits, i))).toEqual(['revoked', 'revoked', 'revoked', 'revoked']);
    expect([from + 2, to - 3].map((i) => readMessageStatus(bits, i))).toEqual(['active', 'active']);
  });

  it('refuses to write an index outside the upper half of the list', () => {
    expect(() => setMessageStatus(newMessageBitstring(), MESSAGE_INDEX_RANGE.from - 1, 'revoked')).toThrow(RangeError);
    expect(() => setMessageStatus(newMessageBitstring(), MESSAGE_INDEX_RANGE.to, 'revoked')).toThrow(RangeError);
  });

  it('reads no status for the unused value 0x3 or an index past the list', () => {
    const bits = newMessageBitstring();
    setBit(bits, index * 2);
    setBit(bits, index * 2 + 1);
    expect(readMessageStatus(bits, index)).toBeUndefined();
    expect(readMessageStatus(bits, MESSAGE_LIST_ENTRIES)).toBeUndefined();
  });

  it('builds the entry with statusSize 2 and one statusMessage per value', () => {
    const entry = messageStatusEntry({ statusListCredential: 'https://x.example/status-lists/a/message-1', index });
    expect(entry).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'message', statusListIndex: '150001', statusSize: 2 });
    expect(entry.statusMessage).toHaveLength(2 ** entry.statusSize!);
    expect(entry.id).not.toBe(entry.statusListCredential);
  });

  it('builds a message list credential stating statusSize and statusMessages, with the terms they need', () => {
    const credential = statusListCredential({
      id: 'https://x.example/status-lists/a/message-1',
      issuer: 'did:web:x.example:institutions:a',
      statusPurpose: 'message',
      encodedList: encodeList(newMessageBitstring()),
      validFrom: '2026-01-01T00:00:00Z',
    });
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', expect.objectContaining({ statusSize: expect.any(Object), statusMessages: expect.any(Object) })]);
    expect(credential.credentialSubject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: 'message', statusSize: 2 });
    expect(credential.credentialSubject.statusMessages).toHaveLength(4);
  });
});
