/**
 * GET /status-lists/{institutionId}/{listId}: each institution's status lists (`message-N`, one
 * 2-bit entry per credential) as signed BitstringStatusListCredentials, public, revalidated by
 * ETag, and changed as soon as a status change has answered.
 */
import { exchangeDocumentLoader } from '@cx/core';
import { decodeList, readMessageStatus, verifyCredentialProof } from '@cx/credentials';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
let key: string;
let issued: { id: string; credential: Json };
const DID = 'did:web:exchange.test%3A8080:institutions:uni-a';

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  await cx.onboard('uni-b');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
  issued = await issue();
});

async function issue(): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

const indexOf = (credential: Json) => Number(credential.credentialStatus.statusListIndex);

async function getList(listId: string, headers: Record<string, string> = {}): Promise<Response> {
  return cx.request('GET', `/status-lists/uni-a/${listId}`, { headers });
}

describe('a status list', () => {
  it('is a BitstringStatusListCredential of the institution, of purpose message with statusSize 2, at its own URL', async () => {
    const response = await getList('message-1');
    expect(response.status).toBe(200);
    const list = (await response.json()) as Json;
    expect(list).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2', expect.any(Object)],
      id: `${PUBLIC_URL}/status-lists/uni-a/message-1`,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: DID,
      validFrom: expect.any(String),
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'message', statusSize: 2, encodedList: expect.stringMatching(/^u[A-Za-z0-9_-]+$/) },
    });
    expect(list.credentialSubject.statusMessages).toHaveLength(4);
    expect(Object.keys(list)[0]).toBe('@context');
    expect(issued.credential.credentialStatus.statusListCredential).toBe(list.id);
  });

  it('holds at least 131,072 entries of statusSize bits, GZIP-compressed', async () => {
    const list = (await (await getList('message-1')).json()) as Json;
    const encoded = Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url');
    expect([encoded[0], encoded[1]]).toEqual([0x1f, 0x8b]);
    expect((decodeList(list.credentialSubject.encodedList).length * 8) / 2).toBeGreaterThanOrEqual(131_072);
  });

  it('is signed by the institution’s key with eddsa-rdfc-2022, and the proof verifies', async () => {
    const list = (await (await getList('message-1')).json()) as Json;
    expect(list.proof).toEqual([
      expect.objectContaining({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod', verificationMethod: `${DID}#key-1` }),
    ]);
    const result = await verifyCredentialProof(list, { documentLoader: exchangeDocumentLoader(cx.deps) });
    expect(result).toMatchObject({ verified: true });
  });

  it('is public: no key needed', async () => {
    expect((await cx.request('GET', '/status-lists/uni-a/message-1')).status).toBe(200);
  });

  it('is re-signed with the change when a status changes, and still verifies', async () => {
    const target = await issue();
    const before = (await (await getList('message-1')).json()) as Json;
    await cx.request('POST', `/v1/institutions/uni-a/credentials/${target.id}/status`, { key, body: { status: 'suspended', reason: 'review' } });
    const after = (await (await getList('message-1')).json()) as Json;
    expect(readMessageStatus(decodeList(before.credentialSubject.encodedList), indexOf(target.credential))).toBe('active');
    expect(readMessageStatus(decodeList(after.credentialSubject.encodedList), indexOf(target.credential))).toBe('suspended');
    expect(after.proof[0].proofValue).not.toBe(before.proof[0].proofValue);
    expect((await verifyCredentialProof(after, { documentLoader: exchangeDocumentLoader(cx.deps) })).verified).toBe(true);
  });
});

describe('caching', () => {
  it('answers with an ETag, Last-Modified and a cache-control that makes caches revalidate', async () => {
    const response = await getList('message-1');
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(Date.parse(response.headers.get('last-modified')!)).not.toBeNaN();
    expect(response.headers.get('cache-control')).toMatch(/\bpublic\b/);
    expect(response.headers.get('cache-control')).toMatch(/\bno-cache\b|max-age=0\b/);
  });

  it('answers 304 with no body to If-None-Match with the current ETag', async () => {
    const etag = (await getList('message-1')).headers.get('etag')!;
    const response = await getList('message-1', { 'if-none-match': etag });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    expect(response.headers.get('etag')).toBe(etag);
  });

  it('answers 200 with a new ETag once the list changed', async () => {
    const etag = (await getList('message-1')).headers.get('etag')!;
    const target = await issue();
    await cx.request('POST', `/v1/institutions/uni-a/credentials/${target.id}/status`, { key, body: { status: 'revoked', reason: 'fraud' } });
    const response = await getList('message-1', { 'if-none-match': etag });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).not.toBe(etag);
    const list = (await response.json()) as Json;
    expect(readMessageStatus(decodeList(list.credentialSubject.encodedList), indexOf(target.credential))).toBe('revoked');
  });

  it('answers 200 to an If-None-Match naming another ETag', async () => {
    expect((await getList('message-1', { 'if-none-match': '"not-it"' })).status).toBe(200);
  });
});

describe('lists that do not exist', () => {
  it('answer 404 for a list number never used', async () => {
    await expectProblem(await getList('message-7'), 404);
    // the lists of credentials issued with two entries, before: none here
    await expectProblem(await getList('revocation-1'), 404);
  });

  it('answer 404 for a member that issued nothing yet', async () => {
    await expectProblem(await cx.request('GET', '/status-lists/uni-b/message-1'), 404);
  });

  it('answer 400 for a list id of another form', async () => {
    await expectProblem(await getList('expiry-1'), 400);
    await expectProblem(await getList('revocation-x'), 400);
    await expectProblem(await cx.request('GET', '/status-lists/UNI_A/revocation-1'), 400);
  });
});

describe('indexes', () => {
  it('are drawn at random, never twice', async () => {
    const indexes = [indexOf(issued.credential)];
    for (let i = 0; i < 12; i++) indexes.push(indexOf((await issue()).credential));
    expect(new Set(indexes).size).toBe(indexes.length);
    // sequential allocation would give neighbours; random draws over 131,072 indexes spread out
    const sorted = [...indexes].sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThan(1000);
  });
});
