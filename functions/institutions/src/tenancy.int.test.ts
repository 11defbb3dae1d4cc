/**
 * Tenancy, route by route: who may call each institutions route, and proof that a
 * refused request (401 or 403) wrote nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';

let cx: TestExchange;
/** Each institution's first API key. */
const key: Record<string, string> = {};
/** A second, unused API key id of each institution (the target of DELETE .../api-keys/{keyId}). */
const spareKeyId: Record<string, string> = {};
/** An API key of uni-a that was revoked. */
let revokedKey: string;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-c']) {
    key[id] = (await cx.onboard(id)).apiKey;
    const spare = await cx.request('POST', `/v1/institutions/${id}/api-keys`, { key: cx.adminKey });
    spareKeyId[id] = ((await spare.json()) as { id: string }).id;
  }
  // uni-c is suspended, so that reinstating it would be a change
  expect((await cx.request('POST', '/v1/institutions/uni-c/suspend', { key: cx.adminKey })).status).toBe(200);

  const extra = await cx.request('POST', '/v1/institutions/uni-a/api-keys', { key: cx.adminKey });
  const created = (await extra.json()) as { id: string; apiKey: string };
  expect((await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${created.id}`, { key: cx.adminKey })).status).toBe(204);
  revokedKey = created.apiKey;
});

interface AdminRoute {
  name: string;
  method: string;
  /** The path acting on `target` (ignored by routes with no institution in the path). */
  path: (target: string) => string;
  body?: () => unknown;
  /** The institution the route acts on in these tests. */
  target: string;
  /** What an admin gets, to show the route exists and the refusals below are about rights. */
  adminStatus: number;
}

const ADMIN_ROUTES: AdminRoute[] = [
  {
    name: 'POST /v1/institutions',
    method: 'POST',
    path: () => '/v1/institutions',
    body: () => ({ id: 'uni-new', name: 'New University', country: 'BE', homepage: 'https://new.example.edu' }),
    target: 'uni-b',
    adminStatus: 201,
  },
  { name: 'POST /v1/institutions/{id}/keys/rotate', method: 'POST', path: (id) => `/v1/institutions/${id}/keys/rotate`, target: 'uni-b', adminStatus: 200 },
  { name: 'POST /v1/institutions/{id}/api-keys', method: 'POST', path: (id) => `/v1/institutions/${id}/api-keys`, target: 'uni-b', adminStatus: 201 },
  {
    name: 'DELETE /v1/institutions/{id}/api-keys/{keyId}',
    method: 'DELETE',
    path: (id) => `/v1/institutions/${id}/api-keys/${spareKeyId[id]}`,
    target: 'uni-b',
    adminStatus: 204,
  },
  { name: 'POST /v1/institutions/{id}/suspend', method: 'POST', path: (id) => `/v1/institutions/${id}/suspend`, target: 'uni-b', adminStatus: 200 },
  // uni-c's keys are used by no later test: the admin's call revokes them
  {
    name: 'POST /v1/institutions/{id}/api-keys:revoke-all',
    method: 'POST',
    path: (id) => `/v1/institutions/${id}/api-keys:revoke-all`,
    target: 'uni-c',
    adminStatus: 200,
  },
  { name: 'POST /v1/institutions/{id}/reinstate', method: 'POST', path: (id) => `/v1/institutions/${id}/reinstate`, target: 'uni-c', adminStatus: 200 },
  { name: 'GET /v1/audit', method: 'GET', path: () => '/v1/audit', target: 'uni-b', adminStatus: 200 },
  { name: 'GET /v1/audit?institution={id}', method: 'GET', path: (id) => `/v1/audit?institution=${id}`, target: 'uni-b', adminStatus: 200 },
];

/** Sends `route` with `authorization` (a full header value, or none) and checks the answer and that nothing was written. */
async function expectRefused(route: AdminRoute, authorization: string | undefined, status: 401 | 403, target = route.target) {
  const before = await tableSnapshot(cx.deps.store);
  const response = await cx.request(route.method, route.path(target), {
    body: route.body?.(),
    headers: authorization ? { authorization } : {},
  });
  await expectProblem(response, status);
  if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
}

describe.each(ADMIN_ROUTES)('$name (admin only)', (route) => {
  it('answers 401 without an Authorization header', () => expectRefused(route, undefined, 401));

  it('answers 401 to a well-formed key the exchange never issued', () =>
    expectRefused(route, `Bearer cxk_0000000000000000_${'A'.repeat(43)}`, 401));

  it('answers 401 to a known key id with the wrong secret', () => {
    const [prefix, keyId] = key['uni-a']!.split('_');
    return expectRefused(route, `Bearer ${prefix}_${keyId}_${'B'.repeat(43)}`, 401);
  });

  it('answers 401 to a malformed bearer token', () => expectRefused(route, 'Bearer not-an-api-key', 401));

  it('answers 401 to an Authorization header that is not a bearer token', () =>
    expectRefused(route, `Basic ${Buffer.from('admin:admin').toString('base64')}`, 401));

  it('answers 401 to a revoked key', () => expectRefused(route, `Bearer ${revokedKey}`, 401));

  it("answers 403 to an institution's key on another institution's path", () =>
    expectRefused(route, `Bearer ${key['uni-a']}`, 403));

  it("answers 403 to an institution's key on its own path (admin route)", () =>
    expectRefused(route, `Bearer ${key[route.target]}`, 403));
});

describe('the admin key on every admin route', () => {
  // runs after the refusals above: it changes uni-b and uni-c
  it.each(ADMIN_ROUTES)('is accepted on $name', async (route) => {
    const response = await cx.request(route.method, route.path(route.target), { key: cx.adminKey, body: route.body?.() });
    expect(response.status, await response.clone().text()).toBe(route.adminStatus);
  });
});

describe('an institution key on another institution', () => {
  it('cannot revoke the other institution\'s API key, which keeps working', async () => {
    const victim = await cx.request('POST', '/v1/institutions/uni-a/api-keys', { key: cx.adminKey });
    const { id, apiKey } = (await victim.json()) as { id: string; apiKey: string };
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${id}`, { key: key['uni-b'] }), 403);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    expect((await cx.request('GET', '/v1/institutions/uni-a', { key: apiKey })).status).toBe(200);
  });
});

const PUBLIC_ROUTES = [
  { name: 'GET /v1/institutions', path: '/v1/institutions' },
  { name: 'GET /v1/institutions/{id}', path: '/v1/institutions/uni-b' },
  { name: 'GET /institutions/{id}/did.json', path: '/institutions/uni-b/did.json' },
];

describe.each(PUBLIC_ROUTES)('$name (public)', ({ path }) => {
  it('answers 200 without a key', async () => {
    expect((await cx.request('GET', path)).status).toBe(200);
  });

  it("answers 200 to another institution's key (the member list is public)", async () => {
    expect((await cx.request('GET', path, { key: key['uni-a'] })).status).toBe(200);
  });

  it('answers 401 to an unknown key rather than ignoring it', async () => {
    await expectProblem(await cx.request('GET', path, { key: `cxk_0000000000000000_${'A'.repeat(43)}` }), 401);
  });

  it('answers 401 to a malformed key', async () => {
    await expectProblem(await cx.request('GET', path, { headers: { authorization: 'Bearer nope' } }), 401);
  });

  it('answers 401 to a revoked key', async () => {
    await expectProblem(await cx.request('GET', path, { key: revokedKey }), 401);
  });
});

describe('rights are checked before the input', () => {
  it('answers 401, not 400, to an anonymous onboarding request with an invalid body', async () => {
    await expectProblem(await cx.request('POST', '/v1/institutions', { body: { id: 'X' } }), 401);
  });

  it('answers 403, not 400, to an institution key sending an invalid onboarding body', async () => {
    await expectProblem(await cx.request('POST', '/v1/institutions', { key: key['uni-a'], body: { id: 'X' } }), 403);
  });

  it('answers 401, not 400, to an anonymous request on an admin route with a malformed path', async () => {
    await expectProblem(await cx.request('POST', '/v1/institutions/NOT_A_SLUG/suspend'), 401);
  });
});
