/**
 * POST /v1/institutions/{id}/api-keys:revoke-all: when a member's key may be compromised, the
 * admin revokes every one of its API keys in one call (then gives it a new one).
 */
import { describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';

async function createKey(cx: TestExchange, institution: string): Promise<{ id: string; apiKey: string }> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/api-keys`, { key: cx.adminKey });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; apiKey: string };
}

const revokeAll = (cx: TestExchange, institution: string, key = cx.adminKey) =>
  cx.request('POST', `/v1/institutions/${institution}/api-keys:revoke-all`, { key });

/** What an institution key gets on a route it may use: 200 while it works, 401 once revoked. */
const meWith = async (cx: TestExchange, apiKey: string) => (await cx.request('GET', '/v1/me', { key: apiKey })).status;

const keyIdOf = (apiKey: string) => apiKey.split('_')[1]!;

describe('POST /v1/institutions/{id}/api-keys:revoke-all', () => {
  it('makes every key of the institution fail with 401, and answers which keys it revoked', async () => {
    const cx = await testExchange();
    const { apiKey: first } = await cx.onboard('uni-a');
    const second = await createKey(cx, 'uni-a');
    const third = await createKey(cx, 'uni-a');
    expect((await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${third.id}`, { key: cx.adminKey })).status).toBe(204);

    const response = await revokeAll(cx, 'uni-a');

    expect(response.status).toBe(200);
    // the key revoked before is not revoked again
    expect(((await response.json()) as { revoked: string[] }).revoked.sort()).toEqual([keyIdOf(first), second.id].sort());
    for (const apiKey of [first, second.apiKey, third.apiKey]) await expectProblem(await cx.request('GET', '/v1/me', { key: apiKey }), 401);
  });

  it("leaves other institutions' keys and the admin's working, and a key made afterwards works", async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const { apiKey: other } = await cx.onboard('uni-b');

    expect((await revokeAll(cx, 'uni-a')).status).toBe(200);

    expect(await meWith(cx, other)).toBe(200);
    expect(await meWith(cx, cx.adminKey)).toBe(200);
    expect(await meWith(cx, (await createKey(cx, 'uni-a')).apiKey)).toBe(200);
  });

  it('is audited: who revoked, which keys, in one record', async () => {
    const cx = await testExchange();
    const { apiKey } = await cx.onboard('uni-a');

    const response = await revokeAll(cx, 'uni-a');

    const audit = await cx.request('GET', '/v1/audit?institution=uni-a', { key: cx.adminKey });
    const records = ((await audit.json()) as { items: Array<Record<string, any>> }).items.filter((r) => r.action === 'api-key.revoke-all');
    expect(records).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: 'admin' }),
        institution: 'uni-a',
        target: 'institutions/uni-a/api-keys',
        requestId: response.headers.get('x-request-id'),
        details: { revoked: [keyIdOf(apiKey)] },
      }),
    ]);
  });

  it('answers 200 with nothing revoked when no key is left, and audits the call', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await revokeAll(cx, 'uni-a');

    const again = await revokeAll(cx, 'uni-a');

    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ revoked: [] });
    const audit = await cx.request('GET', '/v1/audit?institution=uni-a', { key: cx.adminKey });
    const records = ((await audit.json()) as { items: Array<Record<string, any>> }).items.filter((r) => r.action === 'api-key.revoke-all');
    expect(records.map((r) => r.details)).toEqual([{ revoked: [] }, { revoked: [expect.any(String)] }]);
  });

  it('refuses an institution key, even for its own institution (403), and revokes nothing', async () => {
    const cx = await testExchange();
    const { apiKey } = await cx.onboard('uni-a');
    const { apiKey: other } = await cx.onboard('uni-b');
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await revokeAll(cx, 'uni-a', apiKey), 403);
    await expectProblem(await revokeAll(cx, 'uni-a', other), 403);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    expect(await meWith(cx, apiKey)).toBe(200);
  });

  it('answers 401 without a key and 404 for an unknown institution', async () => {
    const cx = await testExchange();

    await expectProblem(await cx.request('POST', '/v1/institutions/uni-a/api-keys:revoke-all'), 401);
    await expectProblem(await revokeAll(cx, 'uni-nowhere'), 404);
  });

  it('revokes more keys than one DynamoDB transaction holds', { timeout: 60_000 }, async () => {
    const cx = await testExchange();
    const { apiKey } = await cx.onboard('uni-a');
    const made = [keyIdOf(apiKey)];
    for (let i = 0; i < 120; i++) made.push((await createKey(cx, 'uni-a')).id);

    const response = await revokeAll(cx, 'uni-a');

    expect(response.status).toBe(200);
    expect(((await response.json()) as { revoked: string[] }).revoked.sort()).toEqual(made.sort());
    await expectProblem(await cx.request('GET', '/v1/me', { key: apiKey }), 401);
  });

  it('is described in the OpenAPI document as an admin call', async () => {
    const cx = await testExchange();

    const document = (await (await cx.request('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, any>> };

    const operation = document.paths['/v1/institutions/{id}/api-keys:revoke-all']?.post;
    expect(operation?.summary).toMatch(/admin/);
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
    expect(operation?.security).toBeTruthy();
  });
});
