/** Institution API keys: POST /v1/institutions/{id}/api-keys and DELETE .../api-keys/{keyId}. */
import { describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

async function createKey(cx: TestExchange, institution: string): Promise<{ id: string; apiKey: string }> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/api-keys`, { key: cx.adminKey });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; apiKey: string };
}

/**
 * An institution key is authenticated on every route; an admin route then tells a valid
 * institution key (403) from one the exchange does not accept (401).
 */
const statusWith = async (cx: TestExchange, apiKey: string) => (await cx.request('POST', '/v1/institutions/uni-a/suspend', { key: apiKey })).status;

describe('POST /v1/institutions/{id}/api-keys', () => {
  it('answers 201 with the key id and a new key that authenticates as the institution', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');

    const created = await createKey(cx, 'uni-a');

    expect(Object.keys(created).sort()).toEqual(['apiKey', 'id']);
    expect(created.apiKey).toMatch(new RegExp(`^cxk_${created.id}_[A-Za-z0-9_-]{43}$`));
    expect(await statusWith(cx, created.apiKey)).toBe(403);
  });

  it('answers 404 for an unknown institution and writes nothing', async () => {
    const cx = await testExchange();
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.request('POST', '/v1/institutions/uni-nowhere/api-keys', { key: cx.adminKey }), 404);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('DELETE /v1/institutions/{id}/api-keys/{keyId}', () => {
  it('makes the deleted key fail with 401 on the very next request', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const { id, apiKey } = await createKey(cx, 'uni-a');
    expect((await cx.request('GET', '/v1/institutions/uni-a', { key: apiKey })).status).toBe(200);

    expect((await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${id}`, { key: cx.adminKey })).status).toBe(204);

    await expectProblem(await cx.request('GET', '/v1/institutions/uni-a', { key: apiKey }), 401);
  });

  it("leaves the institution's other keys working", async () => {
    const cx = await testExchange();
    const { apiKey: first } = await cx.onboard('uni-a');
    const second = await createKey(cx, 'uni-a');

    await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${second.id}`, { key: cx.adminKey });

    expect(await statusWith(cx, first)).toBe(403);
    expect(await statusWith(cx, second.apiKey)).toBe(401);
  });

  it('answers 409 to revoking a key twice and writes nothing the second time', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const { id } = await createKey(cx, 'uni-a');
    await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${id}`, { key: cx.adminKey });
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${id}`, { key: cx.adminKey }), 409);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 to an unknown key id', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await expectProblem(await cx.request('DELETE', '/v1/institutions/uni-a/api-keys/0000000000000000', { key: cx.adminKey }), 404);
  });

  it("answers 404 to another institution's key id under this institution's path, and that key keeps working", async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await cx.onboard('uni-b');
    const bKey = await createKey(cx, 'uni-b');
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${bKey.id}`, { key: cx.adminKey }), 404);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    expect(await statusWith(cx, bKey.apiKey)).toBe(403);
  });

  it('answers 404 to an admin key id under an institution path', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const adminKeyId = cx.adminKey.split('_')[1]!;

    await expectProblem(await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${adminKeyId}`, { key: cx.adminKey }), 404);

    expect((await cx.request('GET', '/v1/audit', { key: cx.adminKey })).status).toBe(200);
  });

  it('answers 400 naming keyId when the key id is malformed', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const problem = await expectProblem(await cx.request('DELETE', '/v1/institutions/uni-a/api-keys/NOT-A-KEY', { key: cx.adminKey }), 400);
    expect(fieldsOf(problem)).toEqual(['keyId']);
  });
});

describe('GET /v1/me', () => {
  it('names the institution an institution key acts for, and the key', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const created = await createKey(cx, 'uni-a');

    const response = await cx.request('GET', '/v1/me', { key: created.apiKey });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: 'institution', institution: 'uni-a', keyId: created.id });
  });

  it('says an admin key is an admin’s, naming no institution', async () => {
    const cx = await testExchange();
    const me = (await (await cx.request('GET', '/v1/me', { key: cx.adminKey })).json()) as Record<string, unknown>;
    expect(me.kind).toBe('admin');
    expect(me).not.toHaveProperty('institution');
  });

  it('answers 401 without a key, and for a revoked one', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const created = await createKey(cx, 'uni-a');
    await expectProblem(await cx.request('GET', '/v1/me'), 401);
    expect((await cx.request('DELETE', `/v1/institutions/uni-a/api-keys/${created.id}`, { key: cx.adminKey })).status).toBe(204);
    await expectProblem(await cx.request('GET', '/v1/me', { key: created.apiKey }), 401);
  });
});
