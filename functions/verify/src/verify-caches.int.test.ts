/**
 * What the verify route remembers between requests never hides a change: a status change is
 * answered by the very next verification after its call answered, on the same instance that
 * verified the credential before (and so remembered its status list).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
let key: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
});

async function issue(): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

async function verify(verifiableCredential: unknown): Promise<Json> {
  const response = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential } });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

async function changeStatus(id: string, status: string): Promise<void> {
  const response = await cx.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key, body: { status, reason: 'a reason' } });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe('a status change, verified at once through HTTP', () => {
  it('revoke, then verify at once answers revoked', async () => {
    const { id, credential } = await issue();
    expect((await verify(credential)).verified).toBe(true);

    await changeStatus(id, 'revoked');

    const body = await verify(credential);
    expect(body.verified).toBe(false);
    expect(body.errors).toEqual(['revocation: the credential has been revoked']);
  });

  it('suspend, then verify at once answers suspended; reinstate, then verify at once answers active', async () => {
    const { id, credential } = await issue();
    expect((await verify(credential)).verified).toBe(true);

    await changeStatus(id, 'suspended');
    expect((await verify(credential)).errors).toEqual(['suspension: the credential is suspended']);

    await changeStatus(id, 'active');
    expect(await verify(credential)).toMatchObject({ verified: true, errors: [] });
  });

  it('a neighbour’s revocation changes the list, but not the answer for a credential still active', async () => {
    const { credential: kept } = await issue();
    const { id: revoked } = await issue();
    expect((await verify(kept)).verified).toBe(true);

    await changeStatus(revoked, 'revoked');

    expect(await verify(kept)).toMatchObject({ verified: true, errors: [] });
  });
});
