/**
 * Who may call each recognition route: an institution's routes take only its own key
 * (another institution's or an admin's key is 403, none 401), checked before the request is
 * validated and with nothing written; submissions also take no key at all (a student);
 * appeals take the tracking token instead of a key; the consortium-wide agreement list takes
 * any member's key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { ADA, agreementBody, recognise, rule, transferBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
let transfer: Json;
let credential: Json;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-c']) key[id] = (await cx.onboard(id)).apiKey;
  for (const [id, code] of [['uni-a', 'ML-1'], ['uni-a', 'DE-1'], ['uni-b', 'OWN-1']] as const) {
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/${code}`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
  expect((await cx.request('PUT', '/v1/institutions/uni-b/agreements/ab', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1')]) })).status).toBe(201);
  const issued = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type: 'component', code: 'DE-1' }, recipient: ADA } });
  credential = ((await issued.json()) as Json).credential;
  const submitted = await cx.request('POST', '/v1/institutions/uni-b/transfers', { key: key['uni-b'], body: transferBody([credential]) });
  transfer = (await submitted.json()) as Json;
  expect(transfer.status).toBe('pending-review');
});

interface Route {
  name: string;
  method: string;
  path: () => string;
  /** A body the owner could send, and one no one could. */
  body?: () => unknown;
  badBody?: unknown;
}

const routes: Route[] = [
  { name: 'PUT an agreement', method: 'PUT', path: () => '/v1/institutions/uni-b/agreements/ab', body: () => agreementBody('uni-a', [rule('ML-1', { ects: 4 })]), badBody: { partner: 1 } },
  { name: 'GET an agreement', method: 'GET', path: () => '/v1/institutions/uni-b/agreements/ab' },
  { name: 'GET the agreements', method: 'GET', path: () => '/v1/institutions/uni-b/agreements' },
  { name: 'GET the transfers', method: 'GET', path: () => '/v1/institutions/uni-b/transfers?status=pending-review' },
  { name: 'GET a transfer', method: 'GET', path: () => `/v1/institutions/uni-b/transfers/${transfer.id}` },
  {
    name: 'POST a decision',
    method: 'POST',
    path: () => `/v1/institutions/uni-b/transfers/${transfer.id}/decisions`,
    body: () => recognise(credential.id),
    badBody: { outcome: 'maybe' },
  },
  {
    name: 'POST an appeal without a token',
    method: 'POST',
    path: () => `/v1/institutions/uni-b/transfers/${transfer.id}/appeals`,
    body: () => ({ credentialId: credential.id, grounds: 'Please.' }),
    badBody: { grounds: 1 },
  },
];

/** Sends a request that must be refused with `status`, and checks the table is unchanged. */
async function refused(method: string, path: string, status: number, options: { key?: string; body?: unknown } = {}) {
  const before = await tableSnapshot(cx.deps.store);
  const problem = await expectProblem(await cx.request(method, path, options), status);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  return problem;
}

describe.each(routes)('$name', (route) => {
  it('refuses another institution’s key (403)', async () => {
    await refused(route.method, route.path(), 403, { key: key['uni-a'], body: route.body?.() });
  });

  it('refuses an admin key (403)', async () => {
    await refused(route.method, route.path(), 403, { key: cx.adminKey, body: route.body?.() });
  });

  it('refuses a request without a key (401)', async () => {
    await refused(route.method, route.path(), 401, { body: route.body?.() });
  });
});

describe.each(routes.filter((route) => route.badBody !== undefined))('$name with a body no one could send', (route) => {
  it('refuses another institution’s key before looking at the body (403, not 400)', async () => {
    await refused(route.method, route.path(), 403, { key: key['uni-a'], body: route.badBody });
  });

  it('refuses a request without a key before looking at the body (401, not 400)', async () => {
    await refused(route.method, route.path(), 401, { body: route.badBody });
  });
});

describe('POST /v1/institutions/{id}/transfers', () => {
  it('refuses the key of an institution other than the receiving one (403)', async () => {
    await refused('POST', '/v1/institutions/uni-b/transfers', 403, { key: key['uni-a'], body: transferBody([credential]) });
  });

  it('refuses an admin key (403)', async () => {
    await refused('POST', '/v1/institutions/uni-b/transfers', 403, { key: cx.adminKey, body: transferBody([credential]) });
  });

  it('refuses another institution’s key before looking at the body (403, not 400)', async () => {
    await refused('POST', '/v1/institutions/uni-b/transfers', 403, { key: key['uni-a'], body: { credentials: [] } });
  });

  it('takes the receiving institution’s key, without a tracking token', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-c/transfers', { key: key['uni-c'], body: transferBody([credential]) });
    expect(response.status).toBe(201);
    expect(((await response.json()) as Json).trackingToken).toBeUndefined();
  });

  it('takes no key at all, answering a tracking token', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-c/transfers', { body: transferBody([credential]) });
    expect(response.status).toBe(201);
    expect(((await response.json()) as Json).trackingToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('answers 404 for an institution that is not a member, writing no transfer', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-z/transfers', { body: transferBody([credential]) });
    await expectProblem(response, 404);
  });

  it('refuses submissions to a suspended institution (403)', async () => {
    await cx.onboard('uni-s');
    expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
    await expectProblem(await cx.request('POST', '/v1/institutions/uni-s/transfers', { body: transferBody([credential]) }), 403);
  });
});

describe('another institution’s transfers are invisible', () => {
  it('answers 404 when an institution asks for a transfer submitted to another', async () => {
    await refused('GET', `/v1/institutions/uni-c/transfers/${transfer.id}`, 404, { key: key['uni-c'] });
  });

  it('answers 404 when an institution decides a transfer submitted to another', async () => {
    await refused('POST', `/v1/institutions/uni-c/transfers/${transfer.id}/decisions`, 404, { key: key['uni-c'], body: recognise(credential.id) });
  });

  it('lists only the institution’s own transfers', async () => {
    const response = await cx.request('GET', '/v1/institutions/uni-c/transfers', { key: key['uni-c'] });
    const ids = ((await response.json()) as Json).items.map((t: Json) => t.id);
    expect(ids).not.toContain(transfer.id);
  });
});

describe('GET /v1/agreements', () => {
  it('needs a key (401)', async () => {
    await refused('GET', '/v1/agreements', 401);
  });

  it('needs a key before looking at the query (401, not 400)', async () => {
    await refused('GET', '/v1/agreements?institution=NOT_AN_ID', 401);
  });

  it('shows any member every institution’s agreements', async () => {
    const response = await cx.request('GET', '/v1/agreements', { key: key['uni-c'] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).items.map((a: Json) => `${a.institution}/${a.id}`)).toContain('uni-b/ab');
  });

  it('filters by receiving institution and by partner', async () => {
    const byPartner = (await (await cx.request('GET', '/v1/agreements?partner=uni-a', { key: key['uni-c'] })).json()) as Json;
    expect(byPartner.items.map((a: Json) => a.id)).toEqual(['ab']);
    const otherPartner = (await (await cx.request('GET', '/v1/agreements?partner=uni-c', { key: key['uni-c'] })).json()) as Json;
    expect(otherPartner.items).toEqual([]);
    const otherInstitution = (await (await cx.request('GET', '/v1/agreements?institution=uni-a', { key: key['uni-c'] })).json()) as Json;
    expect(otherInstitution.items).toEqual([]);
  });
});

describe('a suspended institution', () => {
  it('can change no agreement (403), writing nothing', async () => {
    const { apiKey } = await cx.onboard('uni-t');
    expect((await cx.request('PUT', '/v1/institutions/uni-t/components/OWN-1', { key: apiKey, body: componentBody() })).status).toBe(201);
    expect((await cx.request('POST', '/v1/institutions/uni-t/suspend', { key: cx.adminKey })).status).toBe(200);
    await refused('PUT', '/v1/institutions/uni-t/agreements/ta', 403, { key: apiKey, body: agreementBody('uni-a', [rule('ML-1')]) });
  });
});
