import { gunzipSync } from 'node:zlib';
import { createList, decodeList as referenceDecode } from '@digitalbazaar/vc-bitstring-status-list';
import { describe, expect, it } from 'vitest';
import {
  decodeList,
  encodeList,
  getBit,
  newBitstring,
  setBit,
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
