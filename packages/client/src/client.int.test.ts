/**
 * The client against the exchange's function apps behind the local gateway (in process,
 * on DynamoDB Local): each method reaches its route, input the API would refuse is refused
 * before sending, and problem answers become ApiError.
 */
import { createServer, type AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import type { ComponentBody } from '@cx/domain';
import { componentBody as fixture } from '../../../functions/catalogue/src/fixtures.js';
import { CxClient } from './client.js';
import { ApiError, InvalidRequestError, NetworkError } from './errors.js';

const componentBody = (overrides: Record<string, unknown> = {}) => fixture(overrides) as ComponentBody;

let exchange: TestExchange;
/** Requests that reached the exchange, counted to show what was never sent. */
let sent = 0;

function client(apiKey?: string): CxClient {
  return new CxClient({
    baseUrl: PUBLIC_URL,
    apiKey,
    fetch: async (input, init) => {
      sent++;
      return exchange.fetch(new Request(input, init));
    },
  });
}

let admin: CxClient;
let uniA: CxClient;
let keyA: string;

beforeAll(async () => {
  exchange = await testExchange();
  admin = client(exchange.adminKey);
  const onboarded = await admin.institutions.add({ id: 'uni-a', name: 'Universiteit van A', country: 'BE', homepage: 'https://www.uni-a.example.edu' });
  keyA = onboarded.apiKey;
  uniA = client(keyA);
  await uniA.catalogue.putComponent('uni-a', 'ML-1', componentBody());
});

/** A local port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What a call threw; fails the test when it did not throw. */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('institutions', () => {
  it('onboards an institution and answers its record and first API key', async () => {
    const { institution, apiKey } = await admin.institutions.add({ id: 'uni-b', name: 'Université B', country: 'FR', homepage: 'https://uni-b.example.edu' });

    expect(institution).toMatchObject({ id: 'uni-b', name: 'Université B', status: 'active', did: 'did:web:exchange.test%3A8080:institutions:uni-b' });
    expect(apiKey).toMatch(/^cxk_/);
  });

  it('walks every page of the member list', async () => {
    for (const id of ['uni-p1', 'uni-p2', 'uni-p3']) await admin.institutions.add({ id, name: id, country: 'NL', homepage: `https://${id}.example.edu` });

    const ids: string[] = [];
    for await (const member of admin.institutions.all({ pageSize: 2 })) ids.push(member.id);

    expect(ids).toEqual(expect.arrayContaining(['uni-a', 'uni-p1', 'uni-p2', 'uni-p3']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses an invalid institution before sending it, naming the field', async () => {
    const before = sent;

    const error = await thrown(admin.institutions.add({ id: 'uni-x', name: 'X', country: 'Narnia', homepage: 'https://x.example.edu' }));

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).errors.map((e) => e.field)).toEqual(['country']);
    expect(sent).toBe(before);
  });

  it("throws the exchange's problem as an ApiError with its field errors", async () => {
    const error = await thrown(admin.request('POST', '/v1/institutions', { body: { id: 'uni-y', name: 'Y', country: 'XX', homepage: 'https://y.example.edu' } }));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, title: 'The request is not valid' });
    expect((error as ApiError).errors).toEqual([expect.objectContaining({ field: 'country', pointer: '#/country' })]);
    expect((error as ApiError).requestId).toBeTruthy();
  });

  it('throws a conflict for a duplicate id', async () => {
    const error = await thrown(admin.institutions.add({ id: 'uni-a', name: 'Again', country: 'BE', homepage: 'https://uni-a.example.edu' }));

    expect(error).toMatchObject({ status: 409 });
  });

  it('suspends and reinstates a member', async () => {
    await admin.institutions.add({ id: 'uni-s', name: 'S', country: 'DE', homepage: 'https://uni-s.example.edu' });

    expect((await admin.institutions.suspend('uni-s')).status).toBe('suspended');
    expect((await admin.institutions.get('uni-s')).status).toBe('suspended');
    expect((await admin.institutions.reinstate('uni-s')).status).toBe('active');
  });

  it('rotates the signing key, keeping the old one as retired', async () => {
    await admin.institutions.add({ id: 'uni-r', name: 'R', country: 'DE', homepage: 'https://uni-r.example.edu' });

    const rotated = await admin.institutions.rotateKey('uni-r');

    expect(rotated.keys.map((k) => k.status)).toEqual(['retired', 'active']);
  });
});

describe('api keys', () => {
  it('creates a key that works and revokes it, given the key itself, so that it stops working', async () => {
    const { apiKey } = await admin.apiKeys.create('uni-a');
    const second = client(apiKey);
    await second.catalogue.putComponent('uni-a', 'KEY-1', componentBody());

    await admin.apiKeys.revoke('uni-a', apiKey);

    expect(await thrown(second.catalogue.putComponent('uni-a', 'KEY-2', componentBody()))).toMatchObject({ status: 401 });
  });

  it('revokes every key of an institution in one call, so that none works any more', async () => {
    await admin.institutions.add({ id: 'uni-k', name: 'K', country: 'DE', homepage: 'https://uni-k.example.edu' });
    const { id, apiKey } = await admin.apiKeys.create('uni-k');

    const { revoked } = await admin.apiKeys.revokeAll('uni-k');

    expect(revoked).toHaveLength(2);
    expect(revoked).toContain(id);
    expect(await thrown(client(apiKey).me())).toMatchObject({ status: 401 });
  });

  it('refuses to revoke something that is neither a key nor a key id, before sending', async () => {
    const error = await thrown(admin.apiKeys.revoke('uni-a', 'not a key'));

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).errors.map((e) => e.field)).toEqual(['keyId']);
  });
});

describe('catalogue', () => {
  it('answers whether a put created the component, with its ETag', async () => {
    const first = await uniA.catalogue.putComponent('uni-a', 'PUT-1', componentBody());
    const second = await uniA.catalogue.putComponent('uni-a', 'PUT-1', componentBody({ ects: 6 }), { ifMatch: first.etag });

    expect(first).toMatchObject({ created: true, etag: '"1"', component: { version: 1 } });
    expect(second).toMatchObject({ created: false, component: { version: 2 } });
  });

  it('throws 412 for a put whose If-Match is stale', async () => {
    const first = await uniA.catalogue.putComponent('uni-a', 'PUT-2', componentBody());
    await uniA.catalogue.putComponent('uni-a', 'PUT-2', componentBody({ ects: 6 }));

    expect(await thrown(uniA.catalogue.putComponent('uni-a', 'PUT-2', componentBody({ ects: 7 }), { ifMatch: first.etag }))).toMatchObject({ status: 412 });
  });

  it('imports in chunks, numbering results across the whole import and adding up the summary', async () => {
    const items = ['IMP-1', 'IMP-2', 'IMP-3', 'IMP-4', 'IMP-5'].map((code) => ({ code, ...componentBody() }));
    items[3] = { ...items[3]!, ects: 61 };
    const chunks: number[] = [];

    const answer = await uniA.catalogue.importComponents('uni-a', items, { chunkSize: 2, onChunk: (done) => chunks.push(done) });

    expect(chunks).toEqual([2, 4, 5]);
    expect(answer.results.map((r) => [r.index, r.code, r.outcome])).toEqual([
      [0, 'IMP-1', 'created'],
      [1, 'IMP-2', 'created'],
      [2, 'IMP-3', 'created'],
      [3, 'IMP-4', 'invalid'],
      [4, 'IMP-5', 'created'],
    ]);
    expect(answer.results[3]!.problem!.errors!.map((e) => e.field)).toEqual(['ects']);
    expect(answer.summary).toEqual({ created: 4, updated: 0, unchanged: 0, invalid: 1, failed: 0 });
  });

  it('searches components across the consortium, page after page', async () => {
    const codes: string[] = [];
    for await (const component of uniA.catalogue.allComponents({ institution: 'uni-a', q: 'machine learning', limit: 2 })) codes.push(component.code);

    expect(codes).toEqual(expect.arrayContaining(['ML-1', 'IMP-1', 'IMP-5']));
  });
});

describe('credentials and verification', () => {
  const request = { achievement: { type: 'component' as const, code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email: 'ada@example.org' } };

  it('answers the same credential to a retry with the same idempotency key', async () => {
    const first = await uniA.credentials.issue('uni-a', request, { idempotencyKey: 'grad-2026-ada' });
    const retry = await uniA.credentials.issue('uni-a', request, { idempotencyKey: 'grad-2026-ada' });

    expect(retry.id).toBe(first.id);
  });

  it('refuses a recipient without email or DID before sending', async () => {
    const error = await thrown(uniA.credentials.issue('uni-a', { ...request, recipient: { name: 'Nobody' } }));

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).errors.map((e) => e.field)).toEqual(['recipient.email']);
  });

  it('verifies an issued credential, naming the issuer as the member list does', async () => {
    const { credential } = await uniA.credentials.issue('uni-a', request);

    const verification = await client().verify(credential);

    expect(verification.verified).toBe(true);
    expect(verification.issuer).toMatchObject({ id: 'uni-a', name: 'Universiteit van A' });
  });

  it('reports a revoked credential as not verified', async () => {
    const { id, credential } = await uniA.credentials.issue('uni-a', request);

    const changed = await uniA.credentials.changeStatus('uni-a', id, { status: 'revoked', reason: 'issued in error' });
    const verification = await client().verify(credential);

    expect(changed.status).toBe('revoked');
    expect(verification.verified).toBe(false);
    expect(verification.checks.find((c) => c.check === 'revocation')).toMatchObject({ ok: false });
  });

  it('runs a graduation batch to the end, reporting progress and the failed item', async () => {
    const items = [request, { ...request, achievement: { type: 'component', code: 'NO-SUCH' } }, { ...request, recipient: { name: 'Grace', email: 'grace@example.org' } }];
    const seen: string[] = [];

    const submitted = await uniA.credentials.submitBatch('uni-a', items);
    const done = await uniA.credentials.waitForBatch('uni-a', submitted.id, { intervalMs: 50, onProgress: (p) => seen.push(p.status) });

    expect(submitted).toMatchObject({ status: 'queued', total: 3 });
    expect(done).toMatchObject({ status: 'done-with-errors', total: 3, issued: 2, failed: 1 });
    expect(done.errors.map((e) => e.index)).toEqual([1]);
    expect(seen.at(-1)).toBe('done-with-errors');
  });

  it('sends a credential a new notice and lists its notices, newest first', async () => {
    const { id } = await uniA.credentials.issue('uni-a', request);

    const notice = await uniA.credentials.sendNotice('uni-a', id, { idempotencyKey: 'notice-1' });
    const again = await uniA.credentials.sendNotice('uni-a', id, { idempotencyKey: 'notice-1' });
    const listed = await uniA.credentials.listNotices('uni-a', id, { limit: 10 });

    expect(notice).toEqual({ id: expect.stringMatching(/^ntc_/), state: 'queued', createdAt: expect.any(String) });
    expect(again.id).toBe(notice.id);
    expect(listed.items.map((n) => n.id)).toEqual([notice.id, expect.any(String)]);
  });

  it('starts a graduation run without notices', async () => {
    const submitted = await uniA.credentials.submitBatch('uni-a', [{ ...request, recipient: { name: 'Quiet', email: 'quiet@example.org' } }], { notify: false });

    expect(submitted).toMatchObject({ status: 'queued', total: 1 });
    expect(await exchange.deps.store.batches.get('uni-a', submitted.id)).toMatchObject({ notify: false });
  });

  it('refuses a malformed credential id before sending', async () => {
    const before = sent;

    expect(await thrown(uniA.credentials.sendNotice('uni-a', 'not-a-credential'))).toBeInstanceOf(InvalidRequestError);
    expect(sent).toBe(before);
  });
});

describe('transfers', () => {
  it('lets a student submit without a key and follow the transfer with the tracking token', async () => {
    await admin.institutions.add({ id: 'uni-t', name: 'T', country: 'IT', homepage: 'https://uni-t.example.edu' });
    const { credential } = await uniA.credentials.issue('uni-a', { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email: 'ada.t@example.org' } });

    const transfer = await client().transfers.submit('uni-t', { student: { name: 'Ada Lovelace', email: 'ada.t@example.org' }, credentials: [credential] }, { asStudent: true });
    const tracked = await client().transfers.track(transfer.id, transfer.trackingToken!);

    expect(transfer.items).toEqual([expect.objectContaining({ outcome: 'pending', issuer: 'did:web:exchange.test%3A8080:institutions:uni-a' })]);
    expect(tracked.id).toBe(transfer.id);
  });
});

describe('reaching the exchange', () => {
  it('throws a NetworkError naming the base URL when nothing listens there', async () => {
    const port = await closedPort();

    const error = await thrown(new CxClient({ baseUrl: `http://127.0.0.1:${port}` }).institutions.list());

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe(`cannot reach the exchange at http://127.0.0.1:${port}: connection refused (is the exchange running?)`);
  });

  it('refuses a base URL that is not an http URL', () => {
    expect(() => new CxClient({ baseUrl: 'localhost:3000' })).toThrow(InvalidRequestError);
  });
});
