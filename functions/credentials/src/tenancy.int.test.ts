/**
 * Tenancy, route by route: every credentials route belongs to the institution in its path.
 * Another institution's key, or the admin's, gets 403; no key or a bad one 401; and a
 * refused request writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
const key: Record<string, string> = {};
/** A credential and a batch of uni-a, targets of the routes that name one. */
let credentialId: string;
let batchId: string;
let revokedKey: string;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b']) {
    key[id] = (await cx.onboard(id)).apiKey;
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/ML-1`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
  const issued = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: issueBody() });
  credentialId = ((await issued.json()) as { id: string }).id;
  const batch = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key: key['uni-a'], body: { items: [issueBody()] } });
  expect(batch.status).toBe(202);
  batchId = ((await batch.json()) as { id: string }).id;
  const extra = await cx.request('POST', '/v1/institutions/uni-a/api-keys', { key: cx.adminKey });
  const created = (await extra.json()) as { id: string; apiKey: string };
  expect((await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${created.id}`, { key: cx.adminKey })).status).toBe(204);
  revokedKey = created.apiKey;
  await batchDone(batchId);
});

/**
 * Waits for a batch of uni-a to be closed, so that its worker writes nothing during later
 * snapshots: a run reads as done once its items are counted, and the worker closes it after.
 */
async function batchDone(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await cx.deps.store.batches.get('uni-a', id))?.finishedAt) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`batch ${id} did not finish`);
}

interface Route {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  /** What uni-a's own key gets, to show the route exists and the refusals are about rights. */
  ownerStatus: number;
}

const ROUTES: Route[] = [
  { name: 'POST /v1/institutions/{id}/credentials', method: 'POST', path: () => '/v1/institutions/uni-a/credentials', body: () => issueBody(), ownerStatus: 201 },
  { name: 'GET /v1/institutions/{id}/credentials?recipient=', method: 'GET', path: () => '/v1/institutions/uni-a/credentials?recipient=ada@example.org', ownerStatus: 200 },
  { name: 'GET /v1/institutions/{id}/credentials/{credentialId}', method: 'GET', path: () => `/v1/institutions/uni-a/credentials/${credentialId}`, ownerStatus: 200 },
  {
    name: 'POST /v1/institutions/{id}/credentials/{credentialId}/status',
    method: 'POST',
    path: () => `/v1/institutions/uni-a/credentials/${credentialId}/status`,
    body: () => ({ status: 'suspended', reason: 'tenancy test' }),
    ownerStatus: 200,
  },
  {
    name: 'POST /v1/institutions/{id}/credential-batches',
    method: 'POST',
    path: () => '/v1/institutions/uni-a/credential-batches',
    body: () => ({ items: [issueBody()] }),
    ownerStatus: 202,
  },
  { name: 'GET /v1/institutions/{id}/credential-batches/{batchId}', method: 'GET', path: () => `/v1/institutions/uni-a/credential-batches/${batchId}`, ownerStatus: 200 },
  {
    name: 'POST /vc-api/institutions/{id}/credentials/issue',
    method: 'POST',
    path: () => '/vc-api/institutions/uni-a/credentials/issue',
    body: () => ({
      credential: {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: 'did:web:exchange.test%3A8080:institutions:uni-a',
        credentialSubject: { id: 'did:example:holder' },
      },
    }),
    ownerStatus: 201,
  },
  {
    name: 'POST /vc-api/institutions/{id}/credentials/status',
    method: 'POST',
    path: () => '/vc-api/institutions/uni-a/credentials/status',
    body: () => ({ credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', statusPurpose: 'suspension', status: false }] }),
    ownerStatus: 200,
  },
];

/** Sends `route` with an authorization header (or none), expects `status`, and checks nothing was written. */
async function expectRefused(route: Route, authorization: string | undefined, status: 401 | 403, body = route.body?.()) {
  const before = await tableSnapshot(cx.deps.store);
  const response = await cx.request(route.method, route.path(), { body, headers: authorization ? { authorization } : {} });
  await expectProblem(response, status);
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
}

describe.each(ROUTES)('$name', (route) => {
  it('refuses another institution’s key with 403, writing nothing', async () => {
    await expectRefused(route, `Bearer ${key['uni-b']}`, 403);
  });

  it('refuses the admin key with 403: only the institution acts for itself', async () => {
    await expectRefused(route, `Bearer ${cx.adminKey}`, 403);
  });

  it('refuses another institution’s key with 403 before looking at the body', async () => {
    if (!route.body) return;
    await expectRefused(route, `Bearer ${key['uni-b']}`, 403, { not: 'a valid body' });
  });

  it('refuses a request without a key with 401', async () => {
    await expectRefused(route, undefined, 401);
  });

  it('refuses an unknown, a malformed and a revoked key with 401', async () => {
    await expectRefused(route, 'Bearer cxk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401);
    await expectRefused(route, 'Bearer not-a-key', 401);
    await expectRefused(route, `Bearer ${revokedKey}`, 401);
  });

  it('answers the institution’s own key', async () => {
    const response = await cx.request(route.method, route.path(), { key: key['uni-a'], body: route.body?.() });
    expect(response.status, await response.clone().text()).toBe(route.ownerStatus);
    if (response.status === 202) await batchDone(((await response.json()) as { id: string }).id);
  });
});

describe('another institution’s resources under its own path', () => {
  it('are not found: uni-b cannot read uni-a’s credential or batch through /institutions/uni-b', async () => {
    await expectProblem(await cx.request('GET', `/v1/institutions/uni-b/credentials/${credentialId}`, { key: key['uni-b'] }), 404);
    await expectProblem(await cx.request('GET', `/v1/institutions/uni-b/credential-batches/${batchId}`, { key: key['uni-b'] }), 404);
  });

  it('cannot be revoked: uni-b changing uni-a’s credential through /institutions/uni-b gets 404, writing nothing', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const response = await cx.request('POST', `/v1/institutions/uni-b/credentials/${credentialId}/status`, {
      key: key['uni-b'],
      body: { status: 'revoked', reason: 'hostile' },
    });
    await expectProblem(response, 404);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('are not listed: uni-b’s list of a recipient shows none of uni-a’s credentials', async () => {
    const response = await cx.request('GET', '/v1/institutions/uni-b/credentials?recipient=ada@example.org', { key: key['uni-b'] });
    expect(((await response.json()) as { items: unknown[] }).items).toEqual([]);
  });
});
