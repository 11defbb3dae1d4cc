/**
 * A suspended member keeps the use of its keys for status changes (it must still be able to
 * revoke what it issued), and the audit log says that each such change came from a suspended
 * member.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
let key: string;

type Json = Record<string, any>;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
});

async function issue(): Promise<string> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const changeStatus = (id: string, status: string, apiKey = key) =>
  cx.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key: apiKey, body: { status, reason: 'a reason' } });

async function auditOf(credentialId: string): Promise<Json[]> {
  const response = await cx.request('GET', '/v1/audit?institution=uni-a&limit=100', { key: cx.adminKey });
  expect(response.status).toBe(200);
  const { items } = (await response.json()) as { items: Json[] };
  return items.filter((record) => record.target === `institutions/uni-a/credentials/${credentialId}` && record.action !== 'credential.issue');
}

const setMembership = async (action: 'suspend' | 'reinstate') =>
  expect((await cx.request('POST', `/v1/institutions/uni-a/${action}`, { key: cx.adminKey })).status).toBe(200);

afterEach(() => setMembership('reinstate'));

describe('status changes by a suspended member', () => {
  it('are still allowed, and audited as made while the member was suspended', async () => {
    const suspendedLater = await issue();
    const revokedLater = await issue();
    await setMembership('suspend');

    expect((await changeStatus(suspendedLater, 'suspended')).status).toBe(200);
    expect((await changeStatus(suspendedLater, 'active')).status).toBe(200);
    expect((await changeStatus(revokedLater, 'revoked')).status).toBe(200);

    const records = [...(await auditOf(suspendedLater)), ...(await auditOf(revokedLater))];
    expect(records.map((record) => record.action).sort()).toEqual(['credential.reinstate', 'credential.revoke', 'credential.suspend']);
    for (const record of records) expect(record.actor).toMatchObject({ kind: 'institution', id: 'uni-a', suspended: true });
  });

  it('are audited as usual once the member is active again', async () => {
    const id = await issue();

    expect((await changeStatus(id, 'revoked')).status).toBe(200);

    const [record] = await auditOf(id);
    expect(record!.actor).toEqual({ kind: 'institution', id: 'uni-a', keyId: expect.any(String) });
  });
});
